package checksum

import "golang.org/x/sys/cpu"

// foldCLMUL is in crc64_clmul_amd64.s. len(p) is a multiple of 16, ≥ 64.
//
//go:noescape
func foldCLMUL(crc uint64, p []byte, k *foldConsts) (lo, hi uint64)

var hasCLMUL = cpu.X86.HasPCLMULQDQ && cpu.X86.HasSSE41

func update(crc uint64, p []byte) uint64 {
	if hasCLMUL && len(p) >= clmulMin {
		return updateFolded(crc, p, foldCLMUL)
	}
	return updateRaw(crc, p)
}
