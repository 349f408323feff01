; memcpy(), memmove() and memset() for the x86 BIOS platform
;
; The portable versions in core/string.c are written in C and marked weak;
; these replace them in BIOS images.  Under emulation (QEMU's TCG) every
; guest instruction counts: they move four bytes per instruction or more,
; whatever the alignment of either side (x86 allows unaligned accesses).
; pcbios.mk builds C with -mstringop-strategy=libcall, so GCC calls these
; instead of inlining "rep movsb" loops of its own for copies of unknown
; length.
;
; All three follow the i386 System V calling convention (cdecl): arguments on
; the stack, eax/ecx/edx free, ebx/esi/edi/ebp preserved.

	bits	32

	section	.text.memcpy progbits alloc exec nowrite align=16

; void *memcpy(void *dest, const void *src, size_t len)
;
; Copies len bytes from src to dest (the regions must not overlap) and
; returns dest.  The bulk goes 32 bytes per round through two registers:
; under TCG each "rep movsd" iteration is a translated block of its own,
; and this loop copies a 1448-byte TCP segment in about two thirds of the
; time.  The rest (under 32 bytes) goes with rep movsd and rep movsb.
	global	memcpy
memcpy:
	push	esi
	push	edi
	mov	edi, [esp + 12]		; dest
	mov	esi, [esp + 16]		; src
	mov	edx, [esp + 20]		; len
	mov	ecx, edx
	shr	ecx, 5			; 32-byte rounds
	jz	.tail
	push	ebx
.round:
%assign offset 0
%rep 4
	mov	eax, [esi + offset]
	mov	ebx, [esi + offset + 4]
	mov	[edi + offset], eax
	mov	[edi + offset + 4], ebx
%assign offset offset + 8
%endrep
	add	esi, 32
	add	edi, 32
	dec	ecx
	jnz	.round
	pop	ebx
.tail:
	mov	ecx, edx
	and	ecx, 31
	shr	ecx, 2
	cld
	rep movsd
	mov	ecx, edx
	and	ecx, 3
	rep movsb
	mov	eax, [esp + 12]		; returned: dest
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
; dest.  16 bytes per round, then rep stosd and rep stosb for the rest:
; the stack clears small structures (TCP options, 52 bytes) for every
; packet, and each rep iteration costs a translated block under TCG.
	global	memset
memset:
	push	edi
	mov	edi, [esp + 8]		; dest
	movzx	eax, byte [esp + 12]	; character
	mov	edx, [esp + 16]		; len
	imul	eax, eax, 0x01010101	; the byte in all four lanes
	mov	ecx, edx
	shr	ecx, 4			; 16-byte rounds
	jz	.tail
.round:
	mov	[edi], eax
	mov	[edi + 4], eax
	mov	[edi + 8], eax
	mov	[edi + 12], eax
	add	edi, 16
	dec	ecx
	jnz	.round
.tail:
	mov	ecx, edx
	and	ecx, 15
	shr	ecx, 2
	cld
	rep stosd
	mov	ecx, edx
	and	ecx, 3
	rep stosb
	mov	eax, [esp + 8]		; returned
	pop	edi
	ret
