#include "audio_io.h"

#include "board.h"
#include "gpio.h"
#include "regs.h"

/*
 * Where the DMA buffers live (2 halves x 48 frames x 2 channels of int32 each):
 *   default                        .sram1_bss: D2 SRAM 0x30000000, MPU region 0 non-cacheable (Daisy's choice)
 *   -DAUDIO_BUFFERS_IN_DTCM        .dtcmram_bss: DTCM, which DMA1 cannot reach (bug-dma-dtcm)
 *   -DAUDIO_TX_IN_CACHED_SRAM      transmit buffer in .bss = AXI SRAM, write-back cached (bug-dma-cache);
 *   + -DAUDIO_TX_CLEAN_BY_ADDRESS  and each written half cleaned to memory before DMA reads it (fix)
 */
#if defined(AUDIO_BUFFERS_IN_DTCM)
#define RX_BUFFER_PLACEMENT __attribute__((section(".dtcmram_bss"), aligned(32)))
#define TX_BUFFER_PLACEMENT __attribute__((section(".dtcmram_bss"), aligned(32)))
#elif defined(AUDIO_TX_IN_CACHED_SRAM)
#define RX_BUFFER_PLACEMENT __attribute__((section(".sram1_bss"), aligned(32)))
#define TX_BUFFER_PLACEMENT __attribute__((aligned(32)))
#else
#define RX_BUFFER_PLACEMENT __attribute__((section(".sram1_bss"), aligned(32)))
#define TX_BUFFER_PLACEMENT __attribute__((section(".sram1_bss"), aligned(32)))
#endif

#define DMA_WORDS (2u * AUDIO_BLOCK_SAMPLES) /* two halves */

RX_BUFFER_PLACEMENT int32_t audio_rx_buffer[DMA_WORDS];
TX_BUFFER_PLACEMENT int32_t audio_tx_buffer[DMA_WORDS];

volatile uint32_t g_audio_blocks;
volatile uint32_t g_audio_last_block_cycles;
volatile uint32_t g_audio_dma_errors;

#define DMA_STREAM_TX 0u
#define DMA_STREAM_RX 1u

/* SAI1 pins on the Daisy Seed, AF6: PE2 MCLK_A, PE3 SD_B, PE4 FS_A, PE5 SCK_A, PE6 SD_A. */
static const struct af_pin k_sai_pins[] = {
    {PORT_E, 2, 6}, {PORT_E, 3, 6}, {PORT_E, 4, 6}, {PORT_E, 5, 6}, {PORT_E, 6, 6},
};

/* SAI_xCR1 (RM0433 51.6.4): DS 24 bit (0b110), CKSTR, MCKDIV 4 (FS = kernel / (4 x 256) with NODIV 0). */
#define SAI_CR1_COMMON ((6u << 5) | (1u << 9) | (4u << 20))
#define SAI_MODE_MASTER_TX 0u
#define SAI_MODE_SLAVE_RX 3u
#define SAI_SYNCEN_INTERNAL (1u << 10)
/* SAI_xFRCR: 64-bit frame (FRL 63), FS active for 32 bits (FSALL 31), FS = channel identification,
 * FS active high, no offset. SAI_xSLOTR: 32-bit slots (SLOTSZ 0b10), 2 slots, slots 0 and 1 enabled. */
#define SAI_FRCR_VALUE (63u | (31u << 8) | (1u << 16) | (1u << 17))
#define SAI_SLOTR_VALUE ((2u << 6) | (1u << 8) | (3u << 16))
#define SAI_CR2_FFLUSH (1u << 3)

static void sai_init(void) {
  gpio_set_alternate(k_sai_pins, sizeof k_sai_pins / sizeof k_sai_pins[0]);
  RCC_APB2ENR |= RCC_APB2ENR_SAI1EN;
  (void)RCC_APB2ENR;

  SAI1_ACR1 &= ~SAI_CR1_SAIEN;
  SAI1_BCR1 &= ~SAI_CR1_SAIEN;
  while (((SAI1_ACR1 | SAI1_BCR1) & SAI_CR1_SAIEN) != 0u) {
  }
  SAI1_GCR = 0u;
  SAI1_ACR1 = SAI_CR1_COMMON | SAI_MODE_MASTER_TX;
  SAI1_ACR2 = SAI_CR2_FFLUSH;
  SAI1_AFRCR = SAI_FRCR_VALUE;
  SAI1_ASLOTR = SAI_SLOTR_VALUE;
  SAI1_AIM = 0u;
  SAI1_BCR1 = SAI_CR1_COMMON | SAI_MODE_SLAVE_RX | SAI_SYNCEN_INTERNAL;
  SAI1_BCR2 = SAI_CR2_FFLUSH;
  SAI1_BFRCR = SAI_FRCR_VALUE;
  SAI1_BSLOTR = SAI_SLOTR_VALUE;
  SAI1_BIM = 0u;
}

/* DMA1 stream in direct mode, word transfers, memory increment, circular, high priority (RM0433 15.5.5). */
static void dma_stream_start(uint32_t stream, uint32_t request, uint32_t peripheral, int32_t *memory,
                             uint32_t direction_and_interrupts) {
  DMA1_SCR(stream) &= ~DMA_SCR_EN;
  while ((DMA1_SCR(stream) & DMA_SCR_EN) != 0u) {
  }
  DMAMUX1_CCR(stream) = request;
  DMA1_LIFCR = stream == 0u ? DMA_LISR_STREAM0_ALL : DMA_LISR_STREAM1_ALL;
  DMA1_SPAR(stream) = peripheral;
  DMA1_SM0AR(stream) = (uint32_t)(uintptr_t)memory;
  DMA1_SNDTR(stream) = DMA_WORDS;
  DMA1_SFCR(stream) = 0u;
  DMA1_SCR(stream) = DMA_SCR_PL_HIGH | DMA_SCR_MSIZE_WORD | DMA_SCR_PSIZE_WORD | DMA_SCR_MINC | DMA_SCR_CIRC |
                     direction_and_interrupts;
  DMA1_SCR(stream) |= DMA_SCR_EN;
}

static AudioCallbackFn s_callback;

void audio_start(AudioCallbackFn callback) {
  s_callback = callback;
  RCC_AHB1ENR |= RCC_AHB1ENR_DMA1EN;
  (void)RCC_AHB1ENR;
  sai_init();

  /* Receiver (slave) first: its stream's interrupts drive the callback. */
  dma_stream_start(DMA_STREAM_RX, DMAMUX1_REQ_SAI1_B, SAI1_BDR_ADDR, audio_rx_buffer,
                   DMA_SCR_HTIE | DMA_SCR_TCIE | DMA_SCR_TEIE);
  NVIC_IPR_BYTE(IRQ_DMA1_STREAM1) = 0u;
  NVIC_ISER(IRQ_DMA1_STREAM1 / 32u) = 1u << (IRQ_DMA1_STREAM1 % 32u);
  SAI1_BCR1 |= SAI_CR1_DMAEN;
  SAI1_BCR1 |= SAI_CR1_SAIEN;

  /* Transmitter (master): let DMA prime the FIFO before enabling the block that generates the clocks. */
  dma_stream_start(DMA_STREAM_TX, DMAMUX1_REQ_SAI1_A, SAI1_ADR_ADDR, audio_tx_buffer, DMA_SCR_DIR_M2P);
  SAI1_ACR1 |= SAI_CR1_DMAEN;
  while ((SAI1_ASR & SAI_SR_FLVL_MASK) == 0u) {
  }
  SAI1_ACR1 |= SAI_CR1_SAIEN;
}

/* 24-bit two's complement in the low bits of a slot word <-> float in [-1, 1). */
static inline float s24_to_float(int32_t word) { return (float)((int32_t)((uint32_t)word << 8) >> 8) * (1.0f / 8388608.0f); }

static inline int32_t float_to_s24(float sample) {
  if (sample > 0.99999988f) {
    sample = 0.99999988f;
  } else if (sample < -1.0f) {
    sample = -1.0f;
  }
  return (int32_t)(sample * 8388608.0f);
}

static void process_block(uint32_t offset) {
  float in[AUDIO_BLOCK_SAMPLES];
  float out[AUDIO_BLOCK_SAMPLES];
  const uint32_t start = DWT_CYCCNT;
  const int32_t *rx = &audio_rx_buffer[offset];
  int32_t *tx = &audio_tx_buffer[offset];
  for (uint32_t i = 0; i < AUDIO_BLOCK_SAMPLES; ++i) {
    in[i] = s24_to_float(rx[i]);
  }
  s_callback(in, out, AUDIO_BLOCK_SAMPLES);
  for (uint32_t i = 0; i < AUDIO_BLOCK_SAMPLES; ++i) {
    tx[i] = float_to_s24(out[i]);
  }
#if defined(AUDIO_TX_CLEAN_BY_ADDRESS)
  dcache_clean_by_address(tx, AUDIO_BLOCK_SAMPLES * sizeof tx[0]);
#endif
  g_audio_last_block_cycles = DWT_CYCCNT - start;
  g_audio_blocks = g_audio_blocks + 1u;
}

/* DMA1 stream 1 (SAI1 B receive): half transfer -> first half is fresh, transfer complete -> second half. */
void DMA1_Stream1_IRQHandler(void) {
  const uint32_t status = DMA1_LISR & DMA_LISR_STREAM1_ALL;
  DMA1_LIFCR = status;
  if ((status & DMA_LISR_TEIF1) != 0u) {
    g_audio_dma_errors = g_audio_dma_errors + 1u;
  }
  if ((status & DMA_LISR_HTIF1) != 0u) {
    process_block(0u);
  }
  if ((status & DMA_LISR_TCIF1) != 0u) {
    process_block(AUDIO_BLOCK_SAMPLES);
  }
}
