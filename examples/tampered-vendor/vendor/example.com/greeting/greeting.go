// Package greeting is the one dependency of gogate's tampered-vendor example.
package greeting

// Hello greets name.
func Hello(name string) string {
	return "Hello, " + name + "! (patched in vendor/)"
}
