//go:build !amd64

package checksum

const haveSHA256x16 = false

func sha256x16(state *[8][16]uint32, ptrs *[16]uintptr, w *[64][16]uint32, blocks int) {
	panic("checksum: sha256x16 without AVX-512")
}
