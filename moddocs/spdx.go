package moddocs

import "strings"

// spdxRenames maps licenseclassifier names that are not SPDX identifiers to
// the SPDX identifier (or expression) of the same licence.
var spdxRenames = map[string]string{
	"BSD-0-Clause":                       "0BSD",
	"Business-Source-License-1.1":        "BUSL-1.1",
	"GNU-All-permissive-Copying-License": "FSFAP",
	"Apache-with-LLVM-Exception":         "Apache-2.0 WITH LLVM-exception",
	"cURL":                               "curl",
	"tcl_tk":                             "TCL",
	"bzip2":                              "bzip2-1.0.6",
	"JasPer":                             "JasPer-2.0",
	"CERN-OHL-v1.2":                      "CERN-OHL-1.2",
	"wxWindows-3.1":                      "wxWindows",
}

// notSPDX lists licenseclassifier names with no SPDX identifier; they are
// reported as "LicenseRef-<name>" so that every reported id is a valid SPDX
// license reference.
var notSPDX = map[string]bool{
	"AdColony-SDK": true, "Android-SDK": true, "Apache-2.0-Modified": true,
	"Atmel": true, "Autodesk-3D-Studio-File-Toolkit": true, "BSD-FatFs": true,
	"BSD-No-Other-Rights": true, "BabelstoneIDS": true, "CERN-OHL-WR-v2": true,
	"CLIPS": true, "Cloud-Pre-GA": true, "Commons-Clause": true, "DBAD": true,
	"Entenssa": true, "FFT2D": true, "Facebook-2-Clause": true,
	"Facebook-3-Clause": true, "Facebook-Examples": true,
	"GD-Graphic-Library": true, "GIAJWTOU-2.0": true, "GIF-Encoder": true,
	"GenericIntel": true, "HTK": true, "IDA": true, "InnerNet": true,
	"JTidy": true, "KUKA": true, "Khronos_OpenCL": true,
	"Lattice-Semiconductor": true, "Lil-1.0": true, "MTK": true,
	"OROMatcher": true, "OpenVision": true, "Oracle-Open-Symphony": true,
	"PIL": true, "PNG": true, "PPP": true, "RCSB-PDB": true,
	"Rijndael-3.0": true, "SPL-SQRT-FLOOR": true, "Sflow": true, "TPM-2": true,
	"Tensilica": true, "USGovernment": true, "VMAC": true, "Waymo1P": true,
	"Windows-SDK-10": true, "WordNet-3.0": true, "X11-Lucent": true, "XZ": true,
	"Xcode": true, "aopalliance": true, "dso": true, "geant4": true,
	"getopt": true, "hdparm": true, "pffft": true, "re2c": true,
	"unicode_org": true, "Apache-with-Runtime-Exception": true,
	"Boost-original": true, "NCBI": true, "Python-2.0-complete": true,
	"GUST-Font-License": true, "Zendesk": true, "Khronos": true,
	"Bitstream": true, "BLAS": true, "HDF5": true, "NREL": true,
	"Open-Game-License-1.0a": true, "OpenLDAP": true, "RSA": true,
	"SQLite": true, "UFL-1.0": true, "BCL": true, "ANTLR": true,
	"BSD-Rice": true, "BeOpen": true, "LZMA": true,
}

// SPDXFor maps a licenseclassifier licence name to an SPDX identifier.
// Names the classifier shares with SPDX (MIT, Apache-2.0, GPL-3.0, …) are
// returned unchanged: the classifier cannot tell "GPL-3.0-only" from
// "GPL-3.0-or-later" (that is said in source headers, not in the licence
// text), so it reports the version-only identifier.
func SPDXFor(classifierName string) string {
	if s, ok := spdxRenames[classifierName]; ok {
		return s
	}
	if notSPDX[classifierName] {
		return "LicenseRef-" + strings.ReplaceAll(classifierName, "_", "-")
	}
	return classifierName
}
