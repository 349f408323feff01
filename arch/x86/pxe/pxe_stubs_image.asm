; The PXE stubs image (pxe_stubs.asm, a flat binary), carried in the body

	section	.rodata.pxe_stubs_image progbits alloc noexec nowrite align=16

	global	pxe_stubs_image
	global	pxe_stubs_image_end

pxe_stubs_image:
	incbin	"pxe_stubs.bin"
pxe_stubs_image_end:
