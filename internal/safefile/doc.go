// Package safefile reads files inside a folder that others write (a
// registry data folder, a built tree being served) without trusting what
// is there: only regular files are opened, never through a symbolic link
// anywhere below the folder, never blocking on a FIFO or a device, and
// whole-file reads stop at a size cap. A symlink pointing at /dev/zero, a
// file outside the folder or a named pipe is refused at once with
// [ErrNotRegular], whatever its name.
package safefile
