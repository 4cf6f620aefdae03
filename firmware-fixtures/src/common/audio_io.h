/*
 * Audio path of the fixtures, built the way a Daisy Seed runs it: SAI1 block A master transmitter,
 * block B synchronous slave receiver, 24-bit samples in 32-bit slots, 2 slots, ~48 kHz; DMA1 stream 0
 * feeds block A, stream 1 drains block B, both circular over two halves of one block each. The receive
 * stream's half/complete interrupts convert one block to float, call AudioCallback and convert back.
 */
#ifndef SEEDSIM_AUDIO_IO_H
#define SEEDSIM_AUDIO_IO_H

#include <stddef.h>
#include <stdint.h>

#define AUDIO_BLOCK_FRAMES 48u
#define AUDIO_CHANNELS 2u
#define AUDIO_BLOCK_SAMPLES (AUDIO_BLOCK_FRAMES * AUDIO_CHANNELS) /* 96 interleaved samples */
#define AUDIO_SAMPLE_RATE 48014.0f /* 49.1667 MHz / (MCKDIV 4 x 256) */

#ifdef __cplusplus
extern "C" {
#endif

/* The application's callback: interleaved L/R floats, size = AUDIO_BLOCK_SAMPLES. */
typedef void (*AudioCallbackFn)(const float *in, float *out, size_t size);
void AudioCallback(const float *in, float *out, size_t size);

/* Starts SAI1 and its two DMA streams (receiver first, as Daisy does); the interrupt calls `callback`
 * through the pointer, as a Daisy app's registered callback is called. */
void audio_start(AudioCallbackFn callback);

/* Blocks processed, cycles (DWT) the last block took inside the interrupt, DMA transfer errors seen. */
extern volatile uint32_t g_audio_blocks;
extern volatile uint32_t g_audio_last_block_cycles;
extern volatile uint32_t g_audio_dma_errors;

#ifdef __cplusplus
}
#endif

#endif
