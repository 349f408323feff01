; A multiboot (version 1) test kernel for Ferry's end-to-end tests
;
; Built by tests/lab/kernels.py in two forms from this one source: a flat
; binary whose header carries the load addresses (-DAOUT, the "a.out
; kludge"), and an ELF executable whose header does not.  It checks what
; the loader handed over and reports on COM1, one line each:
;
;   MB-OK cmdline=<its command line>
;   MB-MODULE <module command line> len=<hex> aligned=<yes|no> data=<text>
;   MB-MEM lower=<KiB, hex> upper=<KiB, hex> mmap=<entries, hex>
;   MB-END bss=<zero|dirty>
;
; (or MB-BAD-MAGIC), then powers QEMU off through its ACPI port.

	bits	32

MB_MAGIC	equ	0x1badb002
MB_LOADER_MAGIC	equ	0x2badb002
%ifdef AOUT
MB_FLAGS	equ	0x00010003
%else
MB_FLAGS	equ	0x00000003
%endif

COM1		equ	0x3f8
ACPI_PM1A_CNT	equ	0x604
ACPI_SLP_EN	equ	0x2000

%ifdef AOUT
	org	0x100000
%else
	section	.text
	global	entry
%endif

start:
	jmp	entry

	align	4
mb_header:
	dd	MB_MAGIC
	dd	MB_FLAGS
	dd	-(MB_MAGIC + MB_FLAGS)
%ifdef AOUT
	dd	mb_header		; header_addr
	dd	start			; load_addr
	dd	load_end		; load_end_addr
	dd	bss_end			; bss_end_addr
	dd	entry			; entry_addr
%endif

entry:
	cli
	mov	esp, stack_top
	cmp	eax, MB_LOADER_MAGIC
	je	.magic_ok
	mov	esi, msg_bad_magic
	call	puts
	jmp	poweroff
.magic_ok:
	mov	ebp, ebx			; multiboot information

	; The command line
	mov	esi, msg_ok
	call	puts
	test	dword [ebp], 0x04
	jz	.no_cmdline
	mov	esi, [ebp + 16]
	call	puts
.no_cmdline:
	call	newline

	; The modules
	test	dword [ebp], 0x08
	jz	.modules_done
	mov	ecx, [ebp + 20]
	mov	edi, [ebp + 24]
.module:
	test	ecx, ecx
	jz	.modules_done
	push	ecx
	mov	esi, msg_module
	call	puts
	mov	esi, [edi + 8]
	call	puts
	mov	esi, msg_len
	call	puts
	mov	eax, [edi + 4]
	sub	eax, [edi]
	call	puthex
	mov	esi, msg_aligned
	call	puts
	mov	esi, msg_yes
	test	dword [edi], 0xfff
	jz	.aligned
	mov	esi, msg_no
.aligned:
	call	puts
	mov	esi, msg_data
	call	puts
	; Up to 32 bytes of the module's contents, to its first newline
	mov	esi, [edi]
	mov	ecx, [edi + 4]
	sub	ecx, esi
	cmp	ecx, 32
	jbe	.data
	mov	ecx, 32
.data:
	jecxz	.data_done
	lodsb
	cmp	al, 10
	je	.data_done
	cmp	al, 0x20
	jb	.data_skip
	cmp	al, 0x7e
	ja	.data_skip
	call	putc
.data_skip:
	dec	ecx
	jmp	.data
.data_done:
	call	newline
	add	edi, 16
	pop	ecx
	dec	ecx
	jmp	.module
.modules_done:

	; Memory
	mov	esi, msg_mem
	call	puts
	mov	eax, [ebp + 4]
	call	puthex
	mov	esi, msg_upper
	call	puts
	mov	eax, [ebp + 8]
	call	puthex
	mov	esi, msg_mmap
	call	puts
	mov	eax, [ebp + 44]
	xor	edx, edx
	mov	ecx, 24
	div	ecx
	call	puthex
	call	newline

	; The end, and whether the loader zeroed .bss
	mov	esi, msg_end
	call	puts
	mov	esi, msg_zero
	cmp	dword [bss_marker], 0
	je	.bss_zero
	mov	esi, msg_dirty
.bss_zero:
	call	puts
	call	newline

poweroff:
	mov	dx, ACPI_PM1A_CNT
	mov	ax, ACPI_SLP_EN
	out	dx, ax
.halt:
	hlt
	jmp	.halt

; Print the NUL-terminated string at ESI
puts:
	push	eax
	push	esi
.next:
	lodsb
	test	al, al
	jz	.done
	call	putc
	jmp	.next
.done:
	pop	esi
	pop	eax
	ret

newline:
	push	eax
	mov	al, 10
	call	putc
	pop	eax
	ret

; Print EAX in hexadecimal
puthex:
	push	eax
	push	ecx
	push	edx
	mov	edx, eax
	mov	ecx, 8
.digit:
	rol	edx, 4
	mov	eax, edx
	and	eax, 0x0f
	add	al, '0'
	cmp	al, '9'
	jbe	.print
	add	al, 'a' - '9' - 1
.print:
	call	putc
	loop	.digit
	pop	edx
	pop	ecx
	pop	eax
	ret

; Print the character in AL on COM1
putc:
	push	eax
	push	edx
	mov	ah, al
	mov	dx, COM1 + 5
.wait:
	in	al, dx
	test	al, 0x20
	jz	.wait
	mov	dx, COM1
	mov	al, ah
	out	dx, al
	pop	edx
	pop	eax
	ret

%ifndef AOUT
	section	.data
%endif
msg_bad_magic:	db	"MB-BAD-MAGIC", 10, 0
msg_ok:		db	"MB-OK cmdline=", 0
msg_module:	db	"MB-MODULE ", 0
msg_len:	db	" len=", 0
msg_aligned:	db	" aligned=", 0
msg_yes:	db	"yes", 0
msg_no:		db	"no", 0
msg_data:	db	" data=", 0
msg_mem:	db	"MB-MEM lower=", 0
msg_upper:	db	" upper=", 0
msg_mmap:	db	" mmap=", 0
msg_end:	db	"MB-END bss=", 0
msg_zero:	db	"zero", 0
msg_dirty:	db	"dirty", 0

%ifdef AOUT
	align	4
load_end:
	absolute load_end
%else
	section	.bss
%endif
	alignb	16
stack:
	resb	4096
stack_top:
bss_marker:
	resd	1
bss_end:
