; Option ROM prefix: the start of bin/<vendor><device>.rom
;
; A PCI expansion ROM image (PCI Firmware Specification 3.0): the 55AA
; header with the image size and the initialisation entry, a PCI data
; structure naming the NIC's vendor and device (util/romid.py sets them
; and the checksum for each ROM file), and a PnP expansion header whose
; boot entry vector (BEV) puts the NIC in the BIOS boot menu (BIOS Boot
; Specification 1.01).  The body follows packed (util/ferryz.c --cm,
; unpacked by arch/x86/prefix/unpack_cm.c).
;
; At POST the BIOS copies the ROM to the upper memory area (read-write
; until POST ends) and far-calls the initialisation entry with AX = the
; NIC's bus, device and function.  It prints the banner with the NIC's
; PCI address, then asks PMM (the BIOS's POST Memory Manager) for memory
; above 1 MiB, copies the packed body there through 16-bit protected
; mode (pm_copy: real mode cannot reach it), checks the copy, notes it
; in pmm_packed and shrinks the image to this prefix, so that the BIOS
; can give the rest of the upper memory area to other ROMs.  Without
; PMM the whole image stays.
;
; When the BIOS boots the NIC it far-calls the BEV: the body is unpacked
; (from the PMM copy, or from the image) to 1 MiB and entered
; (prefix/enter_body.inc) with the BIOS's registers kept on its stack,
; so that Ferry can return (RETF) when nothing boots, which makes the
; BIOS try its next boot device.  By then the image is read-only:
; nothing in it is written after POST.
;
; Built with -DBODY_SIZE -DPACKED_SIZE -DPACKED_SUM -DUNPACK_BIN
; -DUNPACK_OFFSET -DUNPACK_WORK_SIZE -DPREFIX_INFO_OFFSET -DFERRY_VERSION,
; and for a test build -DPMM_SIGNATURE (another signature than "$PMM",
; to act as if the BIOS had no PMM).

	bits	16
	org	0

PCI_VENDOR	equ	0x8086			; placeholders: util/romid.py
PCI_DEVICE	equ	0x100e

rom_header:
	dw	0xaa55
rom_blocks:
	db	0				; image size / 512 (romid.py)
	jmp	near init			; 0x03 initialisation entry
rom_checksum:
	db	0				; 0x06 makes the bytes add to 0
	times	0x18 - ($ - $$) db 0
	dw	pci_data			; 0x18
	dw	pnp_header			; 0x1a

	align	4
pci_data:
	db	"PCIR"
pci_vendor:
	dw	PCI_VENDOR
pci_device:
	dw	PCI_DEVICE
	dw	0				; vital product data
	dw	pci_data_end - pci_data		; structure length
	db	3				; revision: PCI 3.0
	db	0x00, 0x00, 0x02		; class: Ethernet controller
pci_blocks:
	dw	0				; image length / 512 (romid.py)
	dw	0x0001				; code revision
	db	0				; code type: x86 BIOS
	db	0x80				; last image
	dw	prefix_blocks			; maximum run-time length / 512
	dw	0				; configuration utility
	dw	0				; DMTF CLP entry
pci_data_end:

	align	16
pnp_header:
	db	"$PnP"
	db	1				; revision
	db	(pnp_header_end - pnp_header) / 16
	dw	0				; next header
	db	0
pnp_checksum:
	db	0				; romid.py
	dd	0				; device identifier
	dw	manufacturer
	dw	product
	db	0x02, 0x00, 0x00		; device type: Ethernet
	db	0x54				; IPL device, shadowable,
						; only needed if booted
	dw	0				; boot connection vector
	dw	0				; disconnect vector
	dw	bev				; boot entry vector
	dw	0
	dw	0				; static resource information
pnp_header_end:

manufacturer:
	db	"Ferry", 0
product:
	db	"Ferry ", FERRY_VERSION, " network boot", 0

; Written at POST, read at BEV time (rom_checksum covers them: romid.py
; sets it for the whole image, the init code mends it when it shrinks
; the image)
init_busdevfn:
	dw	0
pmm_packed:
	dd	0				; the packed body in PMM, or 0

; ---- POST ----------------------------------------------------------------------

; Initialisation entry: far call, AX = bus (AH) and device/function (AL)
init:
	pushfd
	pushad
	push	ds
	push	es
	mov	bx, cs
	mov	ds, bx
	cld
	mov	[init_busdevfn], ax
	mov	si, banner
	call	print_string
	mov	ax, [init_busdevfn]
	call	print_busdevfn
	mov	si, newline
	call	print_string
	; Move the decompressor and the packed body to PMM memory and keep
	; only the rest in the upper memory area; without PMM the whole
	; image stays
	call	pmm_move
	mov	si, pmm_none_message
	jc	.say
	mov	si, pmm_moved_message
.say:
	call	print_string
	; The BIOS checks the image again: mend the checksum over what is
	; kept, now that init_busdevfn (and maybe the size) changed
	; (a block at a time: the image may be larger than a segment)
	movzx	dx, byte [rom_blocks]
	mov	bx, cs
	xor	al, al
.block:
	mov	es, bx
	xor	si, si
	mov	cx, 512
.checksum:
	add	al, [es:si]
	inc	si
	loop	.checksum
	add	bx, (512 / 16)
	dec	dx
	jnz	.block
	sub	[rom_checksum], al
	pop	es
	pop	ds
	popad
	popfd
	retf

; Print AX = bus:device.function as " (PCI bb:dd.f)"
print_busdevfn:
	push	ax
	mov	si, pci_prefix
	call	print_string
	mov	al, ah
	call	print_hex8
	mov	al, ':'
	call	print_char
	pop	ax
	push	ax
	shr	al, 3
	call	print_hex8
	mov	al, '.'
	call	print_char
	pop	ax
	and	al, 0x07
	add	al, '0'
	call	print_char
	mov	al, ')'
	call	print_char
	ret

print_hex8:
	push	ax
	shr	al, 4
	call	print_nibble
	pop	ax
print_nibble:
	and	al, 0x0f
	add	al, '0'
	cmp	al, '9'
	jbe	print_char
	add	al, 'a' - '9' - 1
print_char:
	pusha
	mov	ah, 0x0e
	mov	bx, 0x0007
	int	0x10
	popa
	ret

%include "prefix/print_string.inc"

; ---- PMM (POST Memory Manager Specification 1.01) ------------------------------

%ifndef PMM_SIGNATURE
PMM_SIGNATURE	equ	'$PMM'		; a test build looks for another
%endif
PMM_ALLOCATE	equ	0
PMM_EXTENDED	equ	0x0002		; memory above 1 MiB
PMM_ANONYMOUS	equ	0xffffffff	; no handle

; Move the decompressor and the packed body to memory allocated through
; PMM, and shrink the image to what comes before them, so that the BIOS
; can give the rest of the upper memory area to other ROMs.  CF set (and nothing changed) if there is
; no PMM, it has no memory, or the copy failed.  Preserves the segment
; registers.
pmm_move:
	pushad
	push	es
	; Find the PMM structure: 16-byte aligned in E0000-FFFFF, with a
	; byte sum of zero
	mov	bx, 0xe000
.scan:
	mov	es, bx
	cmp	dword [es:0], PMM_SIGNATURE
	jne	.next
	movzx	cx, byte [es:5]			; length in bytes
	jcxz	.next
	xor	si, si
	xor	al, al
.sum:
	add	al, [es:si]
	inc	si
	loop	.sum
	test	al, al
	jz	.found
.next:
	inc	bx
	jnz	.scan
	jmp	.fail
.found:
	; pmmAllocate(length in paragraphs, handle, flags): DX:AX = address
	push	word PMM_EXTENDED
	push	dword PMM_ANONYMOUS
	push	dword ((UNPACK_DISTANCE + PACKED_SIZE + 15) / 16)
	push	word PMM_ALLOCATE
	call	far [es:7]
	add	sp, 12
	shl	edx, 16
	mov	dx, ax
	test	edx, edx
	jz	.fail
	lea	eax, [edx + UNPACK_DISTANCE]
	mov	[pmm_packed], eax
	call	a20_enable
	jc	.undo
	; The decompressor and the packed body, as they lie in the image
	xor	esi, esi
	mov	si, cs
	shl	esi, 4
	add	esi, unpack_code
	mov	edi, edx
	mov	ecx, ((UNPACK_DISTANCE + PACKED_SIZE + 3) & ~3)
	mov	ax, pm16_copy
	call	pm16_call
	test	edx, edx
	jnz	.undo
	mov	byte [rom_blocks], prefix_blocks
	pop	es
	popad
	clc
	ret
.undo:
	; (The PMM memory is simply left: the BIOS frees it at boot)
	mov	dword [pmm_packed], 0
.fail:
	pop	es
	popad
	stc
	ret

; Copy ECX bytes (a multiple of 4) from linear ESI to linear EDI and
; compare the copy: EDX = 0 if it is the same (a pm16_call routine)
pm16_copy:
	push	esi
	push	edi
	push	ecx
	shr	ecx, 2
	a32 rep movsd
	pop	ecx
	pop	edi
	pop	esi
	shr	ecx, 2
	xor	edx, edx
	a32 repe cmpsd
	setne	dl
	ret

banner:
	db	13, 10, "Ferry ", FERRY_VERSION, " network boot", 0
pmm_moved_message:
	db	"Ferry: body moved to PMM memory", 13, 10, 0
pmm_none_message:
	db	"Ferry: no PMM memory; the ROM stays whole", 13, 10, 0
pci_prefix:
	db	" (PCI ", 0
newline:
	db	13, 10, 0

; ---- boot ----------------------------------------------------------------------

; Boot entry vector: far call from the BIOS boot code
bev:
	pushfd
	pushad
	push	ds
	push	es
	push	fs
	push	gs
	mov	ax, cs
	mov	ds, ax
	cld
	mov	bp, sp
	; The struct prefix_info to hand over, on the stack
	sub	sp, PREFIX_INFO_SIZE
	mov	di, sp
	push	ss
	pop	es
	mov	si, prefix_info_image
	mov	cx, PREFIX_INFO_SIZE
	rep	movsb
	mov	di, sp
	mov	byte [es:di + 4], 3		; PREFIX_TYPE_ROM
	mov	ax, [init_busdevfn]
	mov	[es:di + 6], ax
	mov	[es:di + 8], bp			; caller_sp
	mov	[es:di + 10], ss		; caller_ss
	mov	[es:di + 20], cs		; rom_segment
	call	a20_enable
	jc	.no_a20
	xor	edx, edx
	mov	dx, ss
	shl	edx, 4
	movzx	eax, sp
	add	edx, eax			; EDX = the prefix_info
	mov	esi, [pmm_packed]
	test	esi, esi
	jz	.in_rom
	mov	byte [es:di + 5], 1		; PREFIX_FLAG_PMM
	jmp	.unpack
.in_rom:
	xor	esi, esi
	mov	si, cs
	shl	esi, 4
	add	esi, packed_body
	; Without PMM the image must still be whole
	cmp	byte [rom_blocks], prefix_blocks
	je	.lost
.unpack:
	call	enter_body			; returns only on failure, SI
	jmp	.fail				; saying why
.lost:
	mov	si, lost_message
	jmp	.fail
.no_a20:
	mov	si, a20_message
.fail:
	call	print_string
	; Back to the BIOS, which tries its next boot device
	mov	sp, bp
	pop	gs
	pop	fs
	pop	es
	pop	ds
	popad
	popfd
	retf

lost_message:
	db	"Ferry: the ROM is not whole (its PMM copy was lost)", 13, 10, 0
a20_message:
	db	"Ferry: cannot enable the A20 line", 13, 10, 0

%include "prefix/a20.inc"
%include "prefix/pm16.inc"
%include "prefix/enter_body.inc"

; The packed body follows the decompressor.  What stays in the upper
; memory area when they move to PMM memory is everything before the
; decompressor, rounded up to whole blocks.
prefix_blocks	equ	((unpack_code - rom_header + 511) / 512)

	align	16
packed_body:
