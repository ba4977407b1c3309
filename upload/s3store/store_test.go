package s3store_test

import (
	"testing"

	"github.com/regen-registry/regen/upload"
	"github.com/regen-registry/regen/upload/s3store"
	"github.com/regen-registry/regen/upload/storetest"
	"github.com/regen-registry/regen/upload/uploadtest"
)

func TestSuite(t *testing.T) {
	srv := uploadtest.StartVersityGW(t)
	storetest.Run(t, func(t *testing.T) upload.Store {
		return srv.NewStore(t, nil)
	}, storetest.Features{Headers: true, ETagMD5: true})
}

func TestSuiteWithPrefix(t *testing.T) {
	srv := uploadtest.StartVersityGW(t)
	storetest.Run(t, func(t *testing.T) upload.Store {
		return srv.NewStore(t, func(c *s3store.Config) { c.Prefix = "registry/prod" })
	}, storetest.Features{Headers: true, ETagMD5: true})
}
