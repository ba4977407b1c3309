package serve

import "context"

// LocationSigner rewrites a module download location, for instance into a
// short-lived signed URL of a module package (private registries, see
// serve/auth.PackageURLs). It returns the location unchanged when it has
// nothing to sign.
type LocationSigner func(location string) string

type signerKey struct{}

// WithLocationSigner returns ctx carrying s: module download answers to a
// request with this context have their location (X-Terraform-Get and the
// JSON body) rewritten by s, and are not cached.
func WithLocationSigner(ctx context.Context, s LocationSigner) context.Context {
	return context.WithValue(ctx, signerKey{}, s)
}

func locationSigner(ctx context.Context) LocationSigner {
	s, _ := ctx.Value(signerKey{}).(LocationSigner)
	return s
}
