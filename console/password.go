package console

import (
	"errors"
	"sync"
	"unicode/utf8"

	"golang.org/x/crypto/bcrypt"
)

// passwordCost is bcrypt's work factor: about a quarter of a second on a
// server core, once per sign-in.
const passwordCost = 12

// Password length limits: bcrypt reads at most 72 bytes.
const (
	MinPasswordLength = 8
	maxPasswordBytes  = 72
)

// HashPassword returns the bcrypt hash to store for a new password, or an
// error saying what is wrong with it.
func HashPassword(password string) (string, error) {
	switch {
	case utf8.RuneCountInString(password) < MinPasswordLength:
		return "", errors.New("a password has at least 8 characters")
	case len(password) > maxPasswordBytes:
		return "", errors.New("a password has at most 72 bytes")
	}
	h, err := bcrypt.GenerateFromPassword([]byte(password), passwordCost)
	if err != nil {
		return "", err
	}
	return string(h), nil
}

// dummyHash is compared against when a user has no password, so a refusal
// takes as long whether or not the user exists.
var dummyHash = sync.OnceValue(func() []byte {
	h, err := bcrypt.GenerateFromPassword([]byte("no password at all"), passwordCost)
	if err != nil {
		panic(err) // only for a cost out of range
	}
	return h
})

// CheckPassword reports whether password matches hash; an empty hash (no
// password) matches nothing, in the time a real comparison takes.
func CheckPassword(hash, password string) bool {
	if hash == "" {
		_ = bcrypt.CompareHashAndPassword(dummyHash(), []byte(password))
		return false
	}
	return bcrypt.CompareHashAndPassword([]byte(hash), []byte(password)) == nil
}
