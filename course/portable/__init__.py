"""The course for a school's own platform: Common Cartridge, Moodle XML and GIFT downloads."""
