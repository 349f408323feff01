; memcpy(), memmove() and memset() for the x86 BIOS platform
;
; The portable versions in core/string.c are written in C and marked weak;
; these replace them in BIOS images.  Under emulation (QEMU's TCG) every
; guest instruction counts, and "rep movsd"/"rep stosd" move four bytes
; per iteration, whatever the alignment of either side (x86 allows
; unaligned accesses).  pcbios.mk builds C with
; -mstringop-strategy=libcall, so GCC calls these instead of inlining
; "rep movsb" loops of its own for copies of unknown length.
;
; All three follow the i386 System V calling convention (cdecl): arguments on
; the stack, eax/ecx/edx free, ebx/esi/edi/ebp preserved.

	bits	32

	section	.text.memcpy progbits alloc exec nowrite align=16

; void *memcpy(void *dest, const void *src, size_t len)
;
; Copies len bytes from src to dest (the regions must not overlap) and
; returns dest.
	global	memcpy
memcpy:
	push	esi
	push	edi
	mov	edi, [esp + 12]		; dest
	mov	esi, [esp + 16]		; src
	mov	edx, [esp + 20]		; len
	mov	eax, edi		; returned
	mov	ecx, edx
	shr	ecx, 2
	cld
	rep movsd
	mov	ecx, edx
	and	ecx, 3
	rep movsb
	pop	edi
	pop	esi
	ret

	section	.text.memmove progbits alloc exec nowrite align=16

; void *memmove(void *dest, const void *src, size_t len)
;
; Copies len bytes from src to dest, which may overlap, and returns dest.
; Forwards (as memcpy) unless dest lies inside the source; then backwards,
; four bytes at a time from the end, then the odd bytes at the start.  (No
; "std": an interrupt handler could then run with the direction flag set.)
	global	memmove
memmove:
	mov	eax, [esp + 4]		; dest
	mov	edx, [esp + 8]		; src
	mov	ecx, eax
	sub	ecx, edx		; dest - src (unsigned)
	cmp	ecx, [esp + 12]
	jae	memcpy			; dest < src, or beyond the source
	push	ebx
	mov	ecx, [esp + 16]		; len
.words:
	cmp	ecx, 4
	jb	.bytes
	sub	ecx, 4
	mov	ebx, [edx + ecx]
	mov	[eax + ecx], ebx
	jmp	.words
.bytes:
	test	ecx, ecx
	jz	.done
	dec	ecx
	mov	bl, [edx + ecx]
	mov	[eax + ecx], bl
	jmp	.bytes
.done:
	pop	ebx
	ret

	section	.text.memset progbits alloc exec nowrite align=16

; void *memset(void *dest, int character, size_t len)
;
; Fills len bytes at dest with the low byte of character and returns
; dest.
	global	memset
memset:
	push	edi
	mov	edi, [esp + 8]		; dest
	movzx	eax, byte [esp + 12]	; character
	mov	edx, [esp + 16]		; len
	imul	eax, eax, 0x01010101	; the byte in all four lanes
	mov	ecx, edx
	shr	ecx, 2
	cld
	rep stosd
	mov	ecx, edx
	and	ecx, 3
	rep stosb
	mov	eax, [esp + 8]		; returned
	pop	edi
	ret
