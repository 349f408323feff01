; A PXE NBP that checks Ferry's PXE API and reports over COM1
;
; Built and run by tests/e2e/pxe_nbp.py (nbp-api): it checks PXENV+ at
; ES:BX, !PXE at SS:SP+4 and INT 1Ah 5650h, makes GET CACHED INFO, TFTP
; and INT 15h E820 calls, an unknown call, one with a parameter block
; outside base memory and a READ FILE into Ferry's hidden memory, prints
; one line per check on COM1, and returns to Ferry with AX = 0.
	bits	16
	org	0x7c00

COM1		equ	0x3f8
BUF_SEG		equ	0x1000			; 0x10000: scratch buffers
FILE_PHYS	equ	0x20000			; READ FILE target

start:
	cli
	xor	ax, ax
	mov	ds, ax
	mov	bp, sp
	mov	[pxenv_ptr], bx
	mov	[pxenv_ptr + 2], es
	mov	ax, [ss:bp + 4]
	mov	[ppxe_ptr], ax
	mov	ax, [ss:bp + 6]
	mov	[ppxe_ptr + 2], ax
	sti
	mov	si, msg_start
	call	print

	; PXENV+ at ES:BX: signature and checksum
	les	di, [pxenv_ptr]
	mov	si, sig_pxenv
	mov	cx, 6
	call	compare
	jne	.pxenv_bad
	movzx	cx, byte [es:di + 8]
	call	checksum
	jnz	.pxenv_bad
	mov	si, msg_pxenv_ok
	jmp	.pxenv_done
.pxenv_bad:
	mov	si, msg_pxenv_bad
.pxenv_done:
	call	print

	; !PXE at SS:SP+4
	les	di, [ppxe_ptr]
	mov	si, sig_ppxe
	mov	cx, 4
	call	compare
	jne	.ppxe_bad
	movzx	cx, byte [es:di + 4]
	call	checksum
	jnz	.ppxe_bad
	mov	ax, [es:di + 0x10]
	mov	[ppxe_entry], ax
	mov	ax, [es:di + 0x12]
	mov	[ppxe_entry + 2], ax
	mov	si, msg_ppxe_ok
	jmp	.ppxe_done
.ppxe_bad:
	mov	si, msg_ppxe_bad
	call	print
	jmp	finish
.ppxe_done:
	call	print

	; INT 1Ah AX=5650h
	mov	ax, 0x5650
	int	0x1a
	jc	.int1a_bad
	cmp	ax, 0x564e
	jne	.int1a_bad
	cmp	bx, [pxenv_ptr]
	jne	.int1a_bad
	mov	ax, es
	cmp	ax, [pxenv_ptr + 2]
	jne	.int1a_bad
	mov	si, msg_int1a_ok
	jmp	.int1a_done
.int1a_bad:
	mov	si, msg_int1a_bad
.int1a_done:
	call	print

	; GET CACHED INFO (DHCPACK) into BUF_SEG:0
	mov	word [cached + 2], 2
	mov	word [cached + 4], 2048
	mov	word [cached + 6], 0
	mov	word [cached + 8], BUF_SEG
	mov	bx, 0x0071
	mov	di, cached
	call	ppxe_call
	mov	si, msg_cached_bad
	test	ax, ax
	jnz	.cached_done
	cmp	word [cached], 0
	jne	.cached_done
	cmp	word [cached + 4], 240
	jb	.cached_done
	push	ds
	mov	ax, BUF_SEG
	mov	ds, ax
	mov	al, [0]
	mov	edx, [20]			; siaddr
	pop	ds
	cmp	al, 2				; BOOTREPLY
	jne	.cached_done
	mov	[server], edx
	mov	si, msg_cached_ok
.cached_done:
	call	print

	; An unknown opcode through the PXENV+ entry: AX=1, CF, status 3
	mov	word [status_block], 0xffff
	les	di, [pxenv_ptr]
	mov	ax, [es:di + 0x0a]
	mov	[pxenv_entry], ax
	mov	ax, [es:di + 0x0c]
	mov	[pxenv_entry + 2], ax
	xor	ax, ax
	mov	es, ax
	mov	di, status_block
	mov	bx, 0x00e6
	call	far [pxenv_entry]
	mov	si, msg_unknown_bad
	jnc	.unknown_done
	cmp	ax, 1
	jne	.unknown_done
	cmp	word [status_block], 3
	jne	.unknown_done
	mov	si, msg_unknown_ok
.unknown_done:
	call	print

	; A parameter block outside base memory: refused
	push	word 0xf000
	push	word 0
	push	word 0x0071
	call	far [ppxe_entry]
	add	sp, 6
	mov	si, msg_badptr_bad
	cmp	ax, 1
	jne	.badptr_done
	mov	si, msg_badptr_ok
.badptr_done:
	call	print

	; GET CACHED INFO of a packet type that does not exist
	mov	word [cached + 2], 9
	mov	word [cached + 4], 2048
	mov	word [cached + 6], 0
	mov	word [cached + 8], BUF_SEG
	mov	bx, 0x0071
	mov	di, cached
	call	ppxe_call
	mov	si, msg_badtype
	call	print
	mov	ax, [cached]
	call	print_hex
	call	newline

	; UDP OPEN, then a WRITE whose buffer runs past base memory
	mov	bx, 0x0030
	mov	di, udp_open
	call	ppxe_call
	mov	eax, [server]
	mov	[udp_write + 2], eax
	mov	bx, 0x0033
	mov	di, udp_write
	call	ppxe_call
	mov	si, msg_badwrite
	call	print
	mov	ax, [udp_write]
	call	print_hex
	call	newline
	mov	bx, 0x0031
	mov	di, status_block
	call	ppxe_call

	; TFTP OPEN of a file the server does not have
	mov	edx, [server]
	mov	[tmissing + 2], edx
	mov	bx, 0x0020
	mov	di, tmissing
	call	ppxe_call
	mov	si, msg_missing
	call	print
	mov	ax, [tmissing]
	call	print_hex
	call	newline

	; TFTP GET FSIZE hello.txt
	mov	edx, [server]
	mov	[fsize + 2], edx
	mov	bx, 0x0025
	mov	di, fsize
	call	ppxe_call
	mov	si, msg_fsize
	call	print
	mov	ax, [fsize]
	call	print_hex
	mov	si, msg_size
	call	print
	mov	eax, [fsize + 138]
	call	print_hex32
	call	newline

	; TFTP READ FILE hello.txt to FILE_PHYS
	mov	edx, [server]
	mov	[readfile + 138], edx
	mov	bx, 0x0023
	mov	di, readfile
	call	ppxe_call
	mov	si, msg_readfile
	call	print
	mov	ax, [readfile]
	call	print_hex
	mov	si, msg_size
	call	print
	mov	eax, [readfile + 130]
	call	print_hex32
	mov	si, msg_first
	call	print
	push	ds
	mov	ax, FILE_PHYS >> 4
	mov	ds, ax
	mov	al, [0]
	pop	ds
	call	print_char
	call	newline

	; TFTP OPEN, READ to the end, CLOSE
	mov	edx, [server]
	mov	[topen + 2], edx
	mov	bx, 0x0020
	mov	di, topen
	call	ppxe_call
	mov	si, msg_topen
	call	print
	mov	ax, [topen]
	call	print_hex
	xor	ebp, ebp			; bytes
	xor	cx, cx				; packets
.read_loop:
	mov	word [tread + 6], 0
	mov	word [tread + 8], BUF_SEG
	push	cx
	mov	bx, 0x0022
	mov	di, tread
	call	ppxe_call
	pop	cx
	test	ax, ax
	jnz	.read_failed
	inc	cx
	movzx	eax, word [tread + 4]
	add	ebp, eax
	cmp	ax, [topen + 140]
	jae	.read_loop
	jmp	.read_done
.read_failed:
	mov	si, msg_readfail
	call	print
	mov	ax, [tread]
	call	print_hex
.read_done:
	mov	si, msg_size
	call	print
	mov	eax, ebp
	call	print_hex32
	mov	si, msg_packets
	call	print
	mov	ax, cx
	call	print_hex
	call	newline
	mov	bx, 0x0021
	mov	di, status_block
	call	ppxe_call

	; E820 through Ferry's INT 15h hook
	xor	ebx, ebx
	xor	si, si				; entries
	xor	bp, bp				; big reserved ones above 1 MiB
.e820_loop:
	mov	ax, ds
	mov	es, ax
	mov	di, e820_entry
	mov	eax, 0xe820
	mov	ecx, 24
	mov	edx, 0x534d4150
	int	0x15
	jc	.e820_done
	cmp	eax, 0x534d4150
	jne	.e820_done
	inc	si
	cmp	dword [e820_entry + 16], 2
	jne	.e820_next
	cmp	dword [e820_entry + 4], 0
	jne	.e820_next
	cmp	dword [e820_entry], 0x100000
	jb	.e820_next
	cmp	dword [e820_entry], 0xfec00000
	jae	.e820_next
	; Ferry's body and 8 MiB heap: the BIOS reserves nothing that big
	cmp	dword [e820_entry + 8], 0x800000
	jb	.e820_next
	inc	bp
	mov	eax, [e820_entry]
	mov	[ferry_start], eax
.e820_next:
	test	ebx, ebx
	jz	.e820_done
	cmp	si, 64
	jb	.e820_loop
.e820_done:
	mov	[e820_count], si
	mov	si, msg_e820
	call	print
	mov	ax, [e820_count]
	call	print_hex
	mov	si, msg_hidden
	call	print
	mov	ax, bp
	call	print_hex
	call	newline

	; READ FILE into that range (Ferry's): refused, nothing written
	mov	eax, [ferry_start]
	test	eax, eax
	jz	finish
	mov	[readfile + 134], eax
	mov	dword [readfile + 130], 65536
	mov	edx, [server]
	mov	[readfile + 138], edx
	mov	bx, 0x0023
	mov	di, readfile
	call	ppxe_call
	mov	si, msg_readferry
	call	print
	mov	ax, [readfile]
	call	print_hex
	call	newline

finish:
	mov	si, msg_done
	call	print
	xor	ax, ax
	retf

; Call !PXE: BX = opcode, DS:DI = parameter block; AX = exit code
ppxe_call:
	push	ds
	push	di
	push	bx
	call	far [ppxe_entry]
	add	sp, 6
	ret

; Compare CX bytes at DS:SI and ES:DI (ZF set if equal)
compare:
	push	si
	push	di
	cld
	repe	cmpsb
	pop	di
	pop	si
	ret

; Sum CX bytes at ES:DI (ZF set if the sum is zero)
checksum:
	push	di
	xor	al, al
.loop:
	add	al, [es:di]
	inc	di
	loop	.loop
	pop	di
	test	al, al
	ret

; Print the NUL-terminated string at DS:SI
print:
	lodsb
	test	al, al
	jz	.done
	call	print_char
	jmp	print
.done:
	ret

newline:
	mov	al, 13
	call	print_char
	mov	al, 10
	jmp	print_char

; Print AL on COM1
print_char:
	push	dx
	push	ax
	mov	dx, COM1 + 5
.wait:
	in	al, dx
	test	al, 0x20
	jz	.wait
	pop	ax
	mov	dx, COM1
	out	dx, al
	pop	dx
	ret

; Print EAX in hex (8 digits)
print_hex32:
	push	eax
	shr	eax, 16
	call	print_hex
	pop	eax
	; fall through: the low word
; Print AX in hex (4 digits)
print_hex:
	push	cx
	push	ax
	mov	cx, 4
.digit:
	rol	ax, 4
	push	ax
	and	al, 0x0f
	add	al, '0'
	cmp	al, '9'
	jbe	.out
	add	al, 'a' - '0' - 10
.out:
	call	print_char
	pop	ax
	loop	.digit
	pop	ax
	pop	cx
	ret

msg_start:	db	13, 10, "NBP-START", 13, 10, 0
msg_pxenv_ok:	db	"pxenv=ok", 13, 10, 0
msg_pxenv_bad:	db	"pxenv=bad", 13, 10, 0
msg_ppxe_ok:	db	"ppxe=ok", 13, 10, 0
msg_ppxe_bad:	db	"ppxe=bad", 13, 10, 0
msg_int1a_ok:	db	"int1a=ok", 13, 10, 0
msg_int1a_bad:	db	"int1a=bad", 13, 10, 0
msg_cached_ok:	db	"cached=ok", 13, 10, 0
msg_cached_bad:	db	"cached=bad", 13, 10, 0
msg_unknown_ok:	db	"unknown=ok", 13, 10, 0
msg_unknown_bad: db	"unknown=bad", 13, 10, 0
msg_badptr_ok:	db	"badptr=ok", 13, 10, 0
msg_badptr_bad:	db	"badptr=bad", 13, 10, 0
msg_fsize:	db	"fsize status=", 0
msg_readfile:	db	"readfile status=", 0
msg_topen:	db	"tftpread status=", 0
msg_readfail:	db	" readfail=", 0
msg_size:	db	" size=", 0
msg_first:	db	" first=", 0
msg_packets:	db	" packets=", 0
msg_e820:	db	"e820 entries=", 0
msg_hidden:	db	" hidden=", 0
msg_readferry:	db	"readfile-ferry status=", 0
msg_badtype:	db	"cached-type9 status=", 0
msg_badwrite:	db	"udpwrite-overrun status=", 0
msg_missing:	db	"tftp-missing status=", 0
msg_done:	db	"NBP-DONE", 13, 10, 0
sig_pxenv:	db	"PXENV+"
sig_ppxe:	db	"!PXE"

	align	4
pxenv_ptr:	dd	0
ppxe_ptr:	dd	0
ppxe_entry:	dd	0
pxenv_entry:	dd	0
server:		dd	0
ferry_start:	dd	0
e820_count:	dw	0
status_block:	dw	0
		times 16 db 0
cached:		times 16 db 0
e820_entry:	times 24 db 0
; GET FSIZE: status, server, gateway, name[128], size
fsize:		dw	0
		dd	0, 0
		db	"hello.txt"
		times 128 - 9 db 0
		dd	0
; READ FILE: status, name[128], size, buffer, server, gw, mcast, ports...
readfile:	dw	0
		db	"hello.txt"
		times 128 - 9 db 0
		dd	65536
		dd	FILE_PHYS
		dd	0, 0, 0
		dw	0, 0, 0, 0
; TFTP OPEN: status, server, gateway, name[128], port, packet size
topen:		dw	0
		dd	0, 0
		db	"hello.txt"
		times 128 - 9 db 0
		dw	0
		dw	512
; TFTP OPEN of a missing file
tmissing:	dw	0
		dd	0, 0
		db	"no-such-file"
		times 128 - 12 db 0
		dw	0
		dw	512
; UDP OPEN: status, source address
udp_open:	dw	0
		dd	0
; UDP WRITE: status, ip, gw, src port, dst port, size, buffer (9000:F000,
; 4 KiB: past 0xA0000)
udp_write:	dw	0
		dd	0, 0
		dw	0x0f27, 0x0f27
		dw	4096
		dw	0xf000, 0x9000
; TFTP READ: status, packet number, size, buffer
tread:		dw	0, 0, 0
		dw	0, BUF_SEG
