; A boot sector that starts a PXE image as a PXE ROM would, without a
; working UNDI: the bad input "a PXE ROM without UNDI" for ferry.kpxe.
;
; The image follows this sector on the disk (IMAGE_SECTORS sectors from
; LBA 1).  The sector moves itself to 0000:0600, reads the image to
; 0000:7C00 with INT 13h extensions, and far-calls it there with a null
; !PXE pointer above the return address and, in ES:BX, either nothing
; (0000:0000) or, built with -DFAKE_PXENV, a valid PXENV+ structure
; whose entry point fails every call (AX = PXENV_EXIT_FAILURE, status
; PXENV_STATUS_FAILURE).  When the image returns, the sector does what
; a PXE ROM does: back to the BIOS with INT 18h.  It reports on COM1
; (port 0x3F8):
;
;   KPXE-LOADER: calling the image with no PXE structures
;   KPXE-LOADER: calling the image with a PXENV+ whose calls all fail
;   KPXE-LOADER: the image returned      (then INT 18h)
;   KPXE-LOADER: disk read failed        (then INT 18h)
;
; Built by tests/e2e/pxe_chain.py: nasm -f bin -DIMAGE_SECTORS=n
; [-DFAKE_PXENV]

	bits	16
	org	0x0600

%ifndef IMAGE_SECTORS
%error "IMAGE_SECTORS must be given"
%endif

LOAD_ADDRESS	equ	0x7c00
RELOCATED	equ	0x0600
STACK_TOP	equ	0x7000
SECTORS_PER_READ equ	64
COM1		equ	0x3f8

start:
	cli
	xor	ax, ax
	mov	ds, ax
	mov	es, ax
	mov	ss, ax
	mov	sp, STACK_TOP
	cld
	mov	si, LOAD_ADDRESS
	mov	di, RELOCATED
	mov	cx, 256
	rep	movsw
	jmp	0:relocated

relocated:
	sti
	mov	[drive], dl
	mov	cx, IMAGE_SECTORS
.read:
	mov	ax, cx
	cmp	ax, SECTORS_PER_READ
	jbe	.count
	mov	ax, SECTORS_PER_READ
.count:
	mov	[dap_count], ax
	pusha
	mov	si, dap
	mov	ah, 0x42
	mov	dl, [drive]
	int	0x13
	popa
	jc	.read_failed
	sub	cx, ax
	add	[dap_lba], ax
	shl	ax, 5			; sectors to paragraphs
	add	[dap_segment], ax
	test	cx, cx
	jnz	.read

	mov	si, calling
	call	serial_print
%ifdef FAKE_PXENV
	; The checksum makes the structure's bytes add up to zero
	mov	si, fake_pxenv
	mov	cx, FAKE_PXENV_LENGTH
	xor	al, al
.sum:
	sub	al, [si]
	inc	si
	loop	.sum
	mov	[fake_pxenv.checksum], al
	mov	bx, RELOCATED >> 4
	mov	es, bx
	mov	bx, fake_pxenv - RELOCATED	; ES:BX: the PXENV+ structure
%else
	xor	bx, bx
	mov	es, bx			; ES:BX: no PXENV+
%endif
	push	dword 0			; SS:SP+4 after the call: no !PXE
	call	0:LOAD_ADDRESS
	add	sp, 4
	xor	ax, ax
	mov	ds, ax
	mov	si, returned
	call	serial_print
	int	0x18
	jmp	halt

.read_failed:
	mov	si, read_failed
	call	serial_print
	int	0x18
halt:
	cli
	hlt
	jmp	halt

; serial_print(DS:SI = NUL-terminated string) to COM1
serial_print:
	pusha
.next:
	lodsb
	test	al, al
	jz	.done
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
.done:
	popa
	ret

%ifdef FAKE_PXENV
; The PXE API entry (register interface): every call fails
fake_entry:
	mov	word [es:di], 0x0001	; PXENV_STATUS_FAILURE
	mov	ax, 0x0001		; PXENV_EXIT_FAILURE
	stc
	retf

	align	16
fake_pxenv:
	db	"PXENV+"
	dw	0x0200			; version 2.0: no !PXE pointer
	db	FAKE_PXENV_LENGTH
.checksum:
	db	0
	dw	fake_entry - RELOCATED, RELOCATED >> 4	; RMEntry
	times	0x2c - ($ - fake_pxenv) db 0
FAKE_PXENV_LENGTH equ 0x2c

calling:	db "KPXE-LOADER: calling the image with a PXENV+ whose calls all fail", 13, 10, 0
%else
calling:	db "KPXE-LOADER: calling the image with no PXE structures", 13, 10, 0
%endif
returned:	db "KPXE-LOADER: the image returned", 13, 10, 0
read_failed:	db "KPXE-LOADER: disk read failed", 13, 10, 0
drive:		db 0

	align	4
dap:		db 16, 0
dap_count:	dw 0
dap_offset:	dw 0
dap_segment:	dw LOAD_ADDRESS >> 4
dap_lba:	dq 1

	times	510 - ($ - $$) db 0
	dw	0xaa55
