//go:build !amd64

package checksum

const hasCLMUL = false

func update(crc uint64, p []byte) uint64 { return updateRaw(crc, p) }

func foldCLMUL(crc uint64, p []byte, k *foldConsts) (lo, hi uint64) {
	panic("checksum: foldCLMUL without PCLMULQDQ")
}
