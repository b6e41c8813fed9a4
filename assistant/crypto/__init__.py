"""Key derivation, key wrapping, sealed vault secrets and encrypted blob files."""
