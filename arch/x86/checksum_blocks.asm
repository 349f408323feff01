; tcpip_sum_blocks() for the x86 BIOS platform
;
; The bulk of the Internet checksum (net/checksum.c): the sum of the
; 16-bit halves of 32-byte blocks.  The portable version in C is weak;
; this one replaces it in BIOS images.  GCC's code for the C loop either
; loads every word twice or spills registers, and a 64-bit accumulator
; costs an add-with-carry per word, which QEMU's TCG emulates slowly.
; Here each 32-bit word is loaded once, split with movzx and shr, and
; both halves added to a 32-bit sum: a 1448-byte TCP segment sums in
; about two thirds of the time of the C version.
;
; i386 System V calling convention (cdecl): arguments on the stack,
; eax/ecx/edx free, ebx/esi preserved.

	bits	32

	section	.text.tcpip_sum_blocks progbits alloc exec nowrite align=16

; uint32_t tcpip_sum_blocks(const void *data, size_t blocks)
;
; Returns the sum, modulo 2^32, of the 16-bit halves (native byte order)
; of blocks 32-byte blocks at data.  Callers keep blocks at or below
; 2048 (64 KiB), so the sum cannot wrap.
	global	tcpip_sum_blocks
tcpip_sum_blocks:
	push	esi
	push	ebx
	mov	esi, [esp + 12]		; data
	mov	ecx, [esp + 16]		; blocks
	xor	eax, eax
	test	ecx, ecx
	jz	.done
.block:
%assign offset 0
%rep 8
	mov	edx, [esi + offset]
	movzx	ebx, dx
	shr	edx, 16
	add	eax, ebx
	add	eax, edx
%assign offset offset + 4
%endrep
	add	esi, 32
	dec	ecx
	jnz	.block
.done:
	pop	ebx
	pop	esi
	ret
