// Package live answers registry requests straight from a data folder,
// without a build: Source turns a tree path into the one data file it is
// generated from (found case-insensitively), runs the generator over that
// entry and returns the one document, byte-for-byte what `regen build`
// would have written at that path. It satisfies serve.Source, so
// `regen serve --data DIR` is serve.NewHandler(serve.HandlerOptions{Source:
// live.New(...)}).
//
// Every request reads its data file, the keys that apply and the
// blacklist, so edits to the data folder show on the next request. This is
// for local use and tests, not for serving a large registry.
package live
