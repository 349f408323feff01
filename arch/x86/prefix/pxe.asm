; PXE prefix: the start of bin/ferry.pxe and bin/ferry.kpxe
;
; A PXE ROM downloads the whole file by TFTP to 0000:7C00 and far-calls
; its first byte in real mode (PXE 2.1): ES:BX points at the PXENV+
; structure, the far pointer at SS:SP+4 at the !PXE structure, and the
; stack is the PXE stack's, with its return address at SS:SP.  The file
; must fit in the free base memory between 7C00 and the PXE stack, so
; the body follows packed (util/ferryz.c).
;
; The prefix keeps the caller's registers on the caller's stack (so that
; Ferry can return to the PXE ROM), notes where the PXE structures are,
; and enters the body (prefix/enter_body.inc).  Everything else (checking
; the structures, unloading the PXE stack for .pxe, the UNDI driver for
; .kpxe) is the body's work (arch/x86/prefix/pxe_stack.c).
;
; Built with -DBODY_SIZE -DPACKED_SIZE -DPACKED_SUM -DUNPACK_BIN
; -DUNPACK_OFFSET -DUNPACK_WORK_SIZE -DPREFIX_INFO_OFFSET and
; -DPREFIX_TYPE=1 (.pxe) or 2 (.kpxe).

	bits	16
	org	0

%ifndef PREFIX_TYPE
%error "PREFIX_TYPE must be given"
%endif

NBP_SEGMENT	equ	0x07c0

start:
	jmp	NBP_SEGMENT:.normalised
.normalised:
	pushfd
	pushad
	push	ds
	push	es
	push	fs
	push	gs
	mov	ax, cs
	mov	ds, ax
	cld
	mov	[pi_caller_sp], sp
	mov	[pi_caller_ss], ss
	mov	byte [pi_type], PREFIX_TYPE
	; PXENV+ = the caller's ES:BX (ES pushed, BX in the PUSHAD block)
	mov	bp, sp
	mov	ax, [bp + 4]			; ES
	mov	[pi_pxenv_seg], ax
	mov	ax, [bp + 8 + 16]		; BX
	mov	[pi_pxenv_off], ax
	; !PXE = the far pointer above the caller's return address
	mov	eax, [bp + 8 + 32 + 4 + 4]
	mov	[pi_ppxe_off], eax

	mov	si, banner
	call	print_string
	call	a20_enable
	jc	.no_a20
	xor	esi, esi
	mov	si, cs
	shl	esi, 4
	lea	edx, [esi + prefix_info_image]
	add	esi, packed_body
	call	enter_body			; returns only on failure, SI
	jmp	.fail				; saying why
.no_a20:
	mov	si, a20_message
.fail:
	call	print_string
	; Back to the PXE ROM, which tries its next boot device
	sti
	pop	gs
	pop	fs
	pop	es
	pop	ds
	popad
	popfd
	retf

%include "prefix/print_string.inc"

banner:
	db	"Ferry ", FERRY_VERSION, " (PXE) starting...", 13, 10, 0
a20_message:
	db	"Ferry: cannot enable the A20 line", 13, 10, 0

%include "prefix/a20.inc"
%include "prefix/pm16.inc"
%include "prefix/enter_body.inc"

	align	16
packed_body:
