"""Secret redaction on real-shaped values (all of them published examples or invalid/test credentials)."""

from __future__ import annotations

import pytest

from assistant.redaction import Secret, iban_valid, luhn_valid, redact

GITHUB = "ghp_16C7e42F292c6912E7710c838347Ae178B4a"
GITHUB_PAT = "github_pat_11ABCDEFG0123456789abc_defGHIJKLmnopQRSTuvwxYZ0123456789abcdefghijklmnopqrstuvwxyz012"
SLACK = "xoxb-123456789012-1234567890123-AbCdEfGhIjKlMnOpQrStUvWx"
AWS_ID = "AKIAIOSFODNN7EXAMPLE"
AWS_SECRET = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
OPENAI = "sk-proj-4fGh7JkL9mNp2QrS5tUv8WxY1zAb3CdE"
GOOGLE = "AIzaSyA1234567890abcdefghijklmnopqrstuv"
GITLAB = "glpat-x1Y2z3A4b5C6d7E8f9G0"
STRIPE = "sk_live_51H8abcdefGHIJKLmnop1234"
JWT = (
    "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIn0"
    ".SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c"
)


def only_secret(text: str) -> Secret:
    result = redact(text)
    assert result.count == 1, result
    assert len(result.secrets) == 1
    return result.secrets[0]


@pytest.mark.parametrize(
    ("kind", "value"),
    [
        ("github_token", GITHUB),
        ("github_token", GITHUB_PAT),
        ("slack_token", SLACK),
        ("aws_key", AWS_ID),
        ("api_key", OPENAI),
        ("google_api_key", GOOGLE),
        ("gitlab_token", GITLAB),
        ("stripe_key", STRIPE),
        ("jwt", JWT),
    ],
)
def test_prefixed_tokens_are_replaced_and_returned(kind: str, value: str) -> None:
    result = redact(f"export TOKEN_VALUE {value} # copied from the dashboard")
    assert value not in result.text
    assert f"[REDACTED:{kind}]" in result.text
    assert result.secrets == [Secret(kind, value)]
    assert result.text.startswith("export TOKEN_VALUE ") and result.text.endswith(" # copied from the dashboard")


def test_token_cut_off_or_split_by_ocr_is_still_removed() -> None:
    result = redact("token ghp_16C7e42F292c6912E77 10c838347Ae178E and more, token ghp_16C7e42F292c6912 expires soon")
    assert result.text == "token [REDACTED:github_token] and more, token [REDACTED:github_token] expires soon"


def test_valid_card_numbers_with_spaces_dashes_or_none() -> None:
    for card in ("4111 1111 1111 1111", "5500-0000-0000-0004", "378282246310005", "3782 822463 10005"):
        result = redact(f"Card number {card} exp 12/27")
        assert result.text == "Card number [REDACTED:card] exp 12/27", card
        assert result.secrets == [Secret("card", card)]


def test_invalid_luhn_and_non_card_numbers_are_kept() -> None:
    text = (
        "Card 4111 1111 1111 1112 is invalid; order 1700000000000 shipped; "
        "call +1 555 123 4567; build 20240517123045 done"
    )
    assert redact(text).text == text
    assert not luhn_valid("4111111111111112")
    assert luhn_valid("4111111111111111")


def test_card_followed_by_more_digits_is_still_found() -> None:
    result = redact("4111 1111 1111 1111 2027")
    assert result.text == "[REDACTED:card] 2027"


def test_iban_checked_by_mod97() -> None:
    good = redact("Pay DE89 3704 0044 0532 0130 00 BIC COBADEFFXXX, or GB82WEST12345698765432 today")
    assert good.text == "Pay [REDACTED:iban] BIC COBADEFFXXX, or [REDACTED:iban] today"
    assert [s.kind for s in good.secrets] == ["iban", "iban"]
    bad = "Pay DE89 3704 0044 0532 0130 01 please"  # one digit off: checksum fails
    assert redact(bad).text == bad
    assert iban_valid("DE89370400440532013000") and not iban_valid("DE89370400440532013001")


def test_password_fields_keep_the_label() -> None:
    result = redact("login: alice\npassword: hunter2!\npasswd=S3cr3t# pwd: 'correct horse' PIN: 4821")
    assert result.text == (
        "login: alice\npassword: [REDACTED:password]\npasswd=[REDACTED:password] "
        "pwd: '[REDACTED:password]' PIN: [REDACTED:pin]"
    )
    assert Secret("password", "correct horse") in result.secrets
    assert Secret("pin", "4821") in result.secrets
    assert result.count == 4


def test_masked_or_empty_password_fields_are_not_secrets() -> None:
    text = "Password: ••••••••\nPassword:\nForgot password? Reset it"
    assert redact(text).count == 0


def test_labelled_secret_values_including_hex() -> None:
    text = f"aws_secret_access_key = {AWS_SECRET}\nclient_secret: 9f86d081884c7d659a2feaa0c55ad015"
    result = redact(text)
    assert AWS_SECRET not in result.text and "9f86d081884c7d659a2feaa0c55ad015" not in result.text
    assert result.count == 2


def test_settings_named_like_tokens_are_not_secrets() -> None:
    text = "max_tokens: 4096, token_type: bearer, secret_santa: tomorrow, tokens: Unlimited"
    assert redact(text).text == text


def test_directory_in_an_env_listing_is_not_a_password() -> None:
    text = "OLDPWD=/tmp\nPWD=/home/alice/projects\nSHELL=/bin/bash"
    assert redact(text).text == text


def test_pem_private_key_is_one_redaction() -> None:
    key = (
        "-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAABG5vbmUA\n"
        "AAAEbm9uZQAAAAAAAAABAAAAMwAAAAtz\n-----END OPENSSH PRIVATE KEY-----"
    )
    result = redact(f"cat id_ed25519\n{key}\n$ ")
    assert result.text == "cat id_ed25519\n[REDACTED:private_key]\n$ "
    assert result.secrets == [Secret("private_key", key)]


def test_pem_cut_off_by_the_screen_edge_is_still_removed() -> None:
    result = redact("-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEAv0aB3cD4eF5gH6\n")
    assert "MIIEow" not in result.text and result.count == 1


def test_random_looking_tokens_without_prefix() -> None:
    result = redact("session T8oRXnfC5wkeTPAWAGTpbg37 and hYpoG5TGAuzUCOy-5bMCyDXV8BvU2pvF expired")
    assert result.text == "session [REDACTED:high_entropy] and [REDACTED:high_entropy] expired"


def test_credentials_inside_urls_but_not_the_rest_of_the_url() -> None:
    result = redact(
        "https://bob:s3cretPass@example.com/x and "
        "https://bucket.s3.amazonaws.com/o?X-Amz-Signature=abcdef0123456789abcdef&x-id=GetObject and "
        "https://app.example.com/callback?access_token=Zm9vYmFyYmF6cXV4&state=xyz"
    )
    assert result.text == (
        "https://bob:[REDACTED:password]@example.com/x and "
        "https://bucket.s3.amazonaws.com/o?X-Amz-Signature=[REDACTED:url_secret]&x-id=GetObject and "
        "https://app.example.com/callback?access_token=[REDACTED:secret]&state=xyz"  # the label rule is first
    )


def test_most_specific_detector_wins_an_overlap() -> None:
    result = redact(f"password: {GITHUB}")
    assert result.text == "password: [REDACTED:github_token]"
    assert result.count == 1


def test_repeated_secret_counts_twice_but_is_returned_once() -> None:
    result = redact(f"{GITHUB} then again {GITHUB}")
    assert result.count == 2
    assert result.secrets == [Secret("github_token", GITHUB)]


def test_spans_point_into_the_original_text() -> None:
    text = f"a {GITHUB} b"
    ((start, end),) = redact(text).spans
    assert text[start:end] == GITHUB


@pytest.mark.parametrize(
    "text",
    [
        "Meeting notes: we agreed to ship the capture pipeline next Tuesday, after the review.",
        "Donaudampfschifffahrtsgesellschaftskapitän and internationalization are long words.",
        "See https://github.com/anthropics/claude-code/blob/main/README.md#getting-started for details",
        "https://www.youtube.com/watch?v=dQw4w9WgXcQ&list=PLFgquLnL59alCl_2TQvOiD5Vgm1hCaGSI",
        "/home/alice/projects/memory-assistant/src/assistant/capture and C:\\Users\\alice\\AppData\\Local",
        "class AbstractSingletonProxyFactoryBean2 extends getUserAccountSettingsFromCache2024",
        "x86_64-linux-gnu-gcc-12 -O2 -fno-omit-frame-pointer -Wl,--as-needed",
        "request id 550e8400-e29b-41d4-a716-446655440000 at 2024-05-17T12:30:45Z",
    ],
)
def test_ordinary_text_is_untouched(text: str) -> None:
    result = redact(text)
    assert result.text == text
    assert result.count == 0 and result.secrets == []


def test_git_shas_in_a_log_line_are_kept_on_purpose() -> None:
    # Identifiers, not credentials: recall ("which commit?") needs them. See the module docstring.
    line = "commit 9f86d081884c7d659a2feaa0c55ad015a3bf4f1b (HEAD -> main) Merge: 1a2b3c4 5d6e7f8"
    assert redact(line).text == line


def test_empty_text() -> None:
    assert redact("").count == 0


@pytest.mark.parametrize(
    "title",
    [
        "Scan_8FjK2LmQ9xRt4VbN7cWz5HpD (1).pdf - Document Viewer",  # a second download of the same file
        "Scan_8FjK2LmQ9xRt4VbN7cWz5HpD .pdf - Document Viewer",  # as OCR reads a title bar
        "Scan_8FjK2LmQ9xRt4VbN7cWz5HpD pdf - Document Viewer",
        "saved as Scan_8FjK2LmQ9xRt4VbN7cWz5HpD, PDF, 212 KB",
    ],
)
def test_a_random_looking_file_name_as_downloaded_or_read_by_ocr_is_kept(title: str) -> None:
    assert redact(title).text == title


def test_a_random_token_that_ends_a_sentence_is_still_removed() -> None:
    text = "the session is Kq9Xw2Zr4Tm8Vn3Yp6Lc5Hb7. The rest is prose"
    assert redact(text).text == "the session is [REDACTED:high_entropy]. The rest is prose"


def test_a_digest_misread_by_ocr_is_still_a_hash_not_a_secret() -> None:
    # tesseract's reading of "sha256:9d2e4b7c...f8e6d" in a dark terminal: case flipped, f read as t, 8 as B
    line = "quayside/api 3.8.2 sha256:9d2e4b7c3a5F8e6d4c2b7a9F 3e5d8c6b4a2t7e9d3c5b8a6F4e2d7c9b3a5tBe6d"
    assert redact(line).text == line
