"""The encrypted SQLCipher store: connection, migrations, repositories."""
