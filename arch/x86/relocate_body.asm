; Move the body and apply its relocations
;
; Position-independent: it uses no absolute address of its own, so it can
; run wherever the body currently is.  Called from relocate.c once Ferry
; knows where it wants to live.
;
; void relocate_body(const struct relocate_move *move)  (never returns)
;
; struct relocate_move {
;	uint32_t source;	+0   where the body is now (its _text)
;	uint32_t dest;		+4   where it goes
;	uint32_t length;	+8   bytes to copy (_text to _end)
;	uint32_t table;		+12  relocation table (RELOC_MAGIC...)
;	uint32_t entry;		+16  offset from _text to continue at
;	uint32_t stack;		+20  offset from _text of the stack top
; };
;
; The table (util/relocs.py): "FRLC", count, data length, then for each
; relocation the distance from the previous one (from 0 for the first)
; as an unsigned LEB128 number.  Each relocation names a 32-bit word,
; by its offset from _text, that holds an absolute address; the copy's
; words get (dest - source) added.  The values in the current image are
; right for "source", so this also works for a body that has moved before.
;
; The destination must not overlap the source.

	bits	32

	section	.text.relocate_body progbits alloc exec nowrite align=16

	global	relocate_body

relocate_body:
	mov	eax, [esp + 4]
	mov	esi, [eax + 0]			; source
	mov	edi, [eax + 4]			; dest
	mov	ecx, [eax + 8]			; length
	mov	edx, [eax + 12]			; table
	mov	ebx, [eax + 16]			; entry offset
	mov	ebp, [eax + 20]			; stack offset

	; Copy the body
	push	edi
	push	esi
	cld
	rep	movsb
	pop	esi
	pop	edi

	; Delta to add, kept on the stack (registers are scarce)
	mov	eax, edi
	sub	eax, esi
	push	ebx
	push	ebp
	push	eax				; [esp] = delta

	mov	ecx, [edx + 4]			; count
	lea	esi, [edx + 12]			; LEB128 data
	xor	ebx, ebx			; current offset
.next:
	test	ecx, ecx
	jz	.done
	; Decode one unsigned LEB128 distance into EDX
	xor	edx, edx
	xor	ebp, ebp			; shift
.byte:
	movzx	eax, byte [esi]
	inc	esi
	push	ecx
	mov	ecx, ebp
	push	eax
	and	eax, 0x7f
	shl	eax, cl
	or	edx, eax
	pop	eax
	pop	ecx
	add	ebp, 7
	test	al, 0x80
	jnz	.byte
	add	ebx, edx
	mov	eax, [esp]
	add	[edi + ebx], eax
	dec	ecx
	jmp	.next
.done:
	pop	eax				; delta
	pop	ebp				; stack offset
	pop	ebx				; entry offset
	lea	esp, [edi + ebp]
	add	ebx, edi
	jmp	ebx
