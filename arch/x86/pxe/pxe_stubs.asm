; Real-mode stubs for the PXE API and the prefixes, in base memory
;
; A flat binary that arch/x86/pxe/pxe_stubs.c copies to base memory it
; claims (at a 16-byte boundary: offsets here are offsets from CS).  It
; holds the PXENV+ and !PXE structures an NBP finds, the entry points
; they name, the INT 1Ah and INT 15h hooks installed while an NBP runs,
; and the way back to a prefix's caller.  The entries reach the body
; through the trampoline's real-mode to protected-mode entry (see
; arch/x86/realmode.h); the C side fills in the handlers' addresses and
; the structures.
;
; The header's layout is struct pxe_stubs_header in pxe_stubs.c.

	bits	16
	org	0

hdr_magic:	dd	0x53585046		; 0x00 "FPXS"
hdr_image_len:	dw	image_end		; 0x04
hdr_exit:	dw	exit_stub		; 0x06
hdr_pxenv_entry: dw	pxenv_entry		; 0x08 PXENV+ RMEntry
hdr_ppxe_entry:	dw	ppxe_entry		; 0x0a !PXE EntryPointSP
hdr_int1a:	dw	int1a_hook		; 0x0c
hdr_int15:	dw	int15_hook		; 0x0e
hdr_pxenv_handler: dd	0			; 0x10 C: PXENV+ calls
hdr_ppxe_handler: dd	0			; 0x14 C: !PXE calls
hdr_e820_handler: dd	0			; 0x18 C: INT 15h E820
hdr_trampoline:	dw	0, 0			; 0x1c rm_pm_entry (off, seg)
hdr_old_int1a:	dd	0			; 0x20
hdr_old_int15:	dd	0			; 0x24
hdr_pxenv:	dw	pxenv			; 0x28 where PXENV+ is
hdr_ppxe:	dw	ppxe			; 0x2a where !PXE is
		dd	0			; 0x2c

		align	16
pxenv:		times	0x2c db 0		; 0x30 PXENV+ (filled by C)
		align	16
ppxe:		times	0x58 db 0		; 0x60 !PXE (filled by C)

; The PXENV+ entry: far call, BX = opcode, ES:DI = parameter block.
; Returns AX = status, CF set on failure.
pxenv_entry:
	push	dword [cs:hdr_pxenv_handler]
	call	far [cs:hdr_trampoline]
	retf

; The !PXE entry: far call with the opcode and the parameter block's
; far pointer on the stack.  Returns AX = status.
ppxe_entry:
	push	dword [cs:hdr_ppxe_handler]
	call	far [cs:hdr_trampoline]
	retf

; INT 1Ah: AX=5650h is the PXE installation check (AX=564Eh, ES:BX =
; PXENV+, CF clear); anything else goes to the previous handler
int1a_hook:
	cmp	ax, 0x5650
	je	.ours
	jmp	far [cs:hdr_old_int1a]
.ours:
	mov	ax, 0x564e
	push	cs
	pop	es
	mov	bx, [cs:hdr_pxenv]
	push	bp
	mov	bp, sp
	and	byte [bp + 6], 0xfe		; the caller's CF
	pop	bp
	iret

; INT 15h: the memory-size calls (E820 with EDX="SMAP", E801, 88h)
; are answered by the body, which leaves Ferry's memory out; anything
; else goes to the previous handler.  The handler sets CF in the flags
; IRET restores.
int15_hook:
	cmp	eax, 0xe820
	jne	.not_e820
	cmp	edx, 0x534d4150
	je	.ours
	jmp	.chain
.not_e820:
	cmp	ax, 0xe801
	je	.ours
	cmp	ah, 0x88
	je	.ours
.chain:
	jmp	far [cs:hdr_old_int15]
.ours:
	push	dword [cs:hdr_e820_handler]
	call	far [cs:hdr_trampoline]
	iret

; Return to a prefix's caller for good: AX = its stack segment, DX = its
; stack pointer, at the registers the prefix pushed (arch/x86/prefix.h)
exit_stub:
	cli
	mov	ss, ax
	movzx	esp, dx
	pop	gs
	pop	fs
	pop	es
	pop	ds
	popad
	popfd
	retf

image_end:
