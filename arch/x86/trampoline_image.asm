; The real-mode trampoline image, carried in the body
;
; transition/trampoline.asm is assembled on its own as a flat binary
; (it runs at whatever base-memory address Ferry claims, with no
; relocations); realmode.c copies these bytes there.

	section	.rodata.trampoline_image progbits alloc noexec nowrite align=16

	global	trampoline_image
	global	trampoline_image_end

trampoline_image:
	incbin	"trampoline.bin"
trampoline_image_end:
