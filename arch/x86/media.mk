# Boot media for x86 BIOS, carrying bin/ferry.lkrn:
#   bin/ferry.iso  El Torito CD (ISOLINUX), also bootable as a USB disk
#   bin/ferry.usb  raw disk: SYSLINUX MBR, FAT16 partition, SYSLINUX
# Both are reproducible (fixed dates and IDs).

bin/ferry.iso: bin/ferry.lkrn util/mkiso.sh
	$(call say,ISO,$@)
	$(Q)util/mkiso.sh $< $@

bin/ferry.usb: bin/ferry.lkrn util/mkusb.sh
	$(call say,USB,$@)
	$(Q)util/mkusb.sh $< $@
