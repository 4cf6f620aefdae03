/*
 * Placement switches for the audio variants (set by the Makefile per ELF); the DSP work is the same in
 * every variant, only where it lives changes.
 *   -DDSP_CODE_IN_ITCM     the per-sample functions go to .itcm_text (copied to ITCM by startup)
 *   -DREVERB_IN_SDRAM      reverb lines in .sdram_bss instead of .bss
 */
#ifndef SEEDSIM_PLACEMENT_H
#define SEEDSIM_PLACEMENT_H

#if defined(DSP_CODE_IN_ITCM)
#define DSP_HOT __attribute__((section(".itcm_text")))
#else
#define DSP_HOT
#endif

#if defined(REVERB_IN_SDRAM)
#define REVERB_STORAGE __attribute__((section(".sdram_bss")))
#else
#define REVERB_STORAGE
#endif

/* The delay line is far larger than any internal RAM: SDRAM in every variant. */
#define DELAY_STORAGE __attribute__((section(".sdram_bss")))

#endif
