//go:build !amd64

package checksum

const haveMD5x8 = false

func md5x8(state *[4][8]uint32, ptrs *[8]uintptr, k *[64][8]uint32, mask uint64, blocks int) {
	panic("checksum: md5x8 without AVX-512")
}
