//go:build !unix

package userfile

const openNonBlocking = 0
