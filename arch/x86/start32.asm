; Entry to the 32-bit body
;
; The body is linked at 1 MiB and entered there in flat 32-bit protected
; mode with interrupts disabled, either by Ferry's own real-mode setup
; code (arch/x86/prefix/lkrn.asm) or directly by a loader that uses the
; Linux 32-bit boot protocol.  Either way ESI points at a block holding a
; Linux setup header at offset 0x1f1: the setup code's own base, or the
; loader's "zero page".
;
; The loader put the body's file image at _text, and the relocation
; table (util/relocs.py) right after it, at _edata, where .bss begins.
; So the table is moved out of the way, above _end, before .bss is
; zeroed.

	bits	32

	section	.text.entry progbits alloc exec nowrite align=16

	extern	_edata
	extern	_bss
	extern	_end
	extern	_stack_top
	extern	pcbios_start

	global	_start

; "FRLC": relocation table magic (util/relocs.py)
RELOC_MAGIC	equ	0x434c5246

_start:
	cli
	cld
	; Our own flat GDT, whatever the loader had
	lgdt	[boot_gdtr]
	jmp	0x08:.flat
.flat:
	mov	eax, 0x10
	mov	ds, eax
	mov	es, eax
	mov	fs, eax
	mov	gs, eax
	mov	ss, eax
	mov	ebp, esi			; boot parameters

	; Move the relocation table (magic, count, length, data) above _end
	xor	edx, edx			; no table
	mov	esi, _edata
	cmp	dword [esi], RELOC_MAGIC
	jne	.no_table
	mov	ecx, [esi + 8]
	add	ecx, 12
	mov	edi, _end
	mov	edx, edi
	lea	esi, [esi + ecx - 1]
	lea	edi, [edi + ecx - 1]
	std
	rep	movsb
	cld
.no_table:
	; Zero .bss (the stack is in it)
	mov	edi, _bss
	mov	ecx, _end
	sub	ecx, edi
	xor	eax, eax
	rep	stosb

	mov	esp, _stack_top
	push	edx				; relocation table, or NULL
	push	ebp				; boot parameters
	call	pcbios_start
.halt:
	hlt
	jmp	.halt

	section	.rodata.boot_gdt progbits alloc noexec nowrite align=16

	; Flat code (0x08) and data (0x10), as in the trampoline's GDT
boot_gdt:
	dq	0
	dq	0x00cf9a000000ffff
	dq	0x00cf92000000ffff
boot_gdt_end:

	align	4
	dw	0
boot_gdtr:
	dw	boot_gdt_end - boot_gdt - 1
	dd	boot_gdt
