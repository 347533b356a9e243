#include "textflag.h"

// func foldCLMUL(crc uint64, p []byte, k *foldConsts) (lo, hi uint64)
//
// Folds p (len a multiple of 16, at least 64) into a 128-bit remainder
// congruent, modulo the CRC-64/ECMA polynomial, to the reflected message
// whose first 8 bytes are XORed with crc. See crc64_clmul.go for the
// algebra and the constants.
TEXT ·foldCLMUL(SB), NOSPLIT, $0-56
	MOVQ crc+0(FP), AX
	MOVQ p_base+8(FP), SI
	MOVQ p_len+16(FP), CX
	MOVQ k+32(FP), DX

	MOVOU 0(DX), X8  // fold by 512 bits: lo = x^575, hi = x^511
	MOVOU 16(DX), X9 // fold by 128 bits: lo = x^191, hi = x^127

	MOVOU 0(SI), X0
	MOVOU 16(SI), X1
	MOVOU 32(SI), X2
	MOVOU 48(SI), X3
	MOVQ  AX, X4
	PXOR  X4, X0
	ADDQ  $64, SI
	SUBQ  $64, CX

loop4:
	CMPQ CX, $64
	JB   fold1

	MOVOA X0, X4
	MOVOA X1, X5
	MOVOA X2, X6
	MOVOA X3, X7
	PCLMULQDQ $0x00, X8, X0
	PCLMULQDQ $0x00, X8, X1
	PCLMULQDQ $0x00, X8, X2
	PCLMULQDQ $0x00, X8, X3
	PCLMULQDQ $0x11, X8, X4
	PCLMULQDQ $0x11, X8, X5
	PCLMULQDQ $0x11, X8, X6
	PCLMULQDQ $0x11, X8, X7
	PXOR X4, X0
	PXOR X5, X1
	PXOR X6, X2
	PXOR X7, X3
	MOVOU 0(SI), X4
	MOVOU 16(SI), X5
	MOVOU 32(SI), X6
	MOVOU 48(SI), X7
	PXOR X4, X0
	PXOR X5, X1
	PXOR X6, X2
	PXOR X7, X3
	ADDQ $64, SI
	SUBQ $64, CX
	JMP  loop4

fold1:
	// Fold the four accumulators into X0, 128 bits at a time.
	MOVOA X0, X4
	PCLMULQDQ $0x00, X9, X0
	PCLMULQDQ $0x11, X9, X4
	PXOR X4, X0
	PXOR X1, X0
	MOVOA X0, X4
	PCLMULQDQ $0x00, X9, X0
	PCLMULQDQ $0x11, X9, X4
	PXOR X4, X0
	PXOR X2, X0
	MOVOA X0, X4
	PCLMULQDQ $0x00, X9, X0
	PCLMULQDQ $0x11, X9, X4
	PXOR X4, X0
	PXOR X3, X0

loop1:
	CMPQ CX, $16
	JB   done
	MOVOA X0, X4
	PCLMULQDQ $0x00, X9, X0
	PCLMULQDQ $0x11, X9, X4
	PXOR X4, X0
	MOVOU 0(SI), X4
	PXOR X4, X0
	ADDQ $16, SI
	SUBQ $16, CX
	JMP  loop1

done:
	MOVQ   X0, AX
	PEXTRQ $1, X0, BX
	MOVQ   AX, lo+40(FP)
	MOVQ   BX, hi+48(FP)
	RET
