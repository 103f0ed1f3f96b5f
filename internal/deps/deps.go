package deps

import (
	_ "github.com/alexedwards/argon2id"
	_ "github.com/golang-jwt/jwt/v5"
	_ "modernc.org/sqlite"
)
