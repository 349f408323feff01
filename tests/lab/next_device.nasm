; A boot sector that only says it was booted: "NEXT-DEVICE-OK" on COM1
; (port 0x3F8), then halts.  The device the BIOS should go on to when
; the one before it gives the boot back (tests/e2e/pxe_chain.py).
;
; Built with: nasm -f bin

	bits	16
	org	0x7c00

COM1		equ	0x3f8

start:
	cli
	xor	ax, ax
	mov	ds, ax
	cld
	mov	si, message
.next:
	lodsb
	test	al, al
	jz	.halt
	mov	ah, al
	mov	dx, COM1 + 5
.busy:
	in	al, dx
	test	al, 0x20
	jz	.busy
	mov	al, ah
	mov	dx, COM1
	out	dx, al
	jmp	.next
.halt:
	hlt
	jmp	.halt

message:	db "NEXT-DEVICE-OK", 13, 10, 0

	times	510 - ($ - $$) db 0
	dw	0xaa55
