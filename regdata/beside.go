package regdata

import "path/filepath"

// Beside returns the folder name next to the data folder dataDir: where
// the stores kept across runs but outside the data folder's git repository
// live (registry-docs/, registry-archives/).
func Beside(dataDir, name string) string {
	abs, err := filepath.Abs(dataDir)
	if err != nil {
		abs = filepath.Clean(dataDir)
	}
	return filepath.Join(filepath.Dir(abs), name)
}
