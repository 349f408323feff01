; An ELF test program for Ferry's end-to-end tests
;
; Built by tests/lab/kernels.py as a static 32-bit ELF executable (or,
; with -DELF64, a 64-bit one that Ferry must refuse).  Entered in flat
; 32-bit protected mode, it prints
;
;   ELF-OK bss=<zero|dirty>
;
; on COM1 and powers QEMU off through its ACPI port.

COM1		equ	0x3f8
ACPI_PM1A_CNT	equ	0x604
ACPI_SLP_EN	equ	0x2000

%ifdef ELF64
	bits	64
%else
	bits	32
%endif

	section	.text
	global	entry
entry:
	cli
	mov	esi, msg_ok
	call	puts
	mov	esi, msg_zero
	cmp	dword [bss_marker], 0
	je	.zero
	mov	esi, msg_dirty
.zero:
	call	puts
	mov	dx, ACPI_PM1A_CNT
	mov	ax, ACPI_SLP_EN
	out	dx, ax
.halt:
	hlt
	jmp	.halt

; Print the NUL-terminated string at ESI on COM1 (no stack needed
; beyond the call)
puts:
	mov	ah, [esi]
	test	ah, ah
	jz	.done
	mov	dx, COM1 + 5
.wait:
	in	al, dx
	test	al, 0x20
	jz	.wait
	mov	dx, COM1
	mov	al, ah
	out	dx, al
	inc	esi
	jmp	puts
.done:
	ret

	section	.data
msg_ok:		db	"ELF-OK bss=", 0
msg_zero:	db	"zero", 10, 0
msg_dirty:	db	"dirty", 10, 0

	section	.bss
	alignb	16
	resb	65536
bss_marker:
	resd	1
