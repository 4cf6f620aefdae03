/*
 * FMC SDRAM bank 1 for the Daisy Seed's AS4C16M32MSA (16M x 32: 4 banks, 8192 rows, 512 columns),
 * RM0433 22.9 (SDRAM controller) and 22.9.3 (initialisation sequence); chip values from its datasheet.
 * FMC kernel clock = PLL2R = 200 MHz, SDCLK = kernel / 2 = 100 MHz (10 ns).
 */
#include "board.h"
#include "gpio.h"
#include "regs.h"

/* Daisy Seed FMC pins, all AF12 (RM0433 / STM32H750 datasheet alternate function table). */
static const struct af_pin k_fmc_pins[] = {
    {PORT_D, 0, 12},  {PORT_D, 1, 12},  {PORT_D, 8, 12},  {PORT_D, 9, 12},  {PORT_D, 10, 12},
    {PORT_D, 14, 12}, {PORT_D, 15, 12}, {PORT_E, 0, 12},  {PORT_E, 1, 12},  {PORT_E, 7, 12},
    {PORT_E, 8, 12},  {PORT_E, 9, 12},  {PORT_E, 10, 12}, {PORT_E, 11, 12}, {PORT_E, 12, 12},
    {PORT_E, 13, 12}, {PORT_E, 14, 12}, {PORT_E, 15, 12}, {PORT_F, 0, 12},  {PORT_F, 1, 12},
    {PORT_F, 2, 12},  {PORT_F, 3, 12},  {PORT_F, 4, 12},  {PORT_F, 5, 12},  {PORT_F, 11, 12},
    {PORT_F, 12, 12}, {PORT_F, 13, 12}, {PORT_F, 14, 12}, {PORT_F, 15, 12}, {PORT_G, 0, 12},
    {PORT_G, 1, 12},  {PORT_G, 2, 12},  {PORT_G, 4, 12},  {PORT_G, 5, 12},  {PORT_G, 8, 12},
    {PORT_G, 15, 12}, {PORT_H, 2, 12},  {PORT_H, 3, 12},  {PORT_H, 5, 12},  {PORT_H, 8, 12},
    {PORT_H, 9, 12},  {PORT_H, 10, 12}, {PORT_H, 11, 12}, {PORT_H, 12, 12}, {PORT_H, 13, 12},
    {PORT_H, 14, 12}, {PORT_H, 15, 12}, {PORT_I, 0, 12},  {PORT_I, 1, 12},  {PORT_I, 2, 12},
    {PORT_I, 3, 12},  {PORT_I, 4, 12},  {PORT_I, 5, 12},  {PORT_I, 6, 12},  {PORT_I, 7, 12},
    {PORT_I, 9, 12},  {PORT_I, 10, 12},
};

/* FMC_SDCR1 (RM0433 22.9.6): NC 9 bits (01), NR 13 bits (10), MWID 32 (10), NB 4 banks, CAS 3,
 * SDCLK = 2 x kernel period (10), RBURST on, RPIPE 0. */
#define SDCR_VALUE (1u | (2u << 2) | (2u << 4) | (1u << 6) | (3u << 7) | (2u << 10) | (1u << 12))

/* FMC_SDTR1 (RM0433 22.9.7), fields = cycles - 1, the conservative values Daisy ships:
 * TMRD 2, TXSR 7, TRAS 4, TRC 8, TWR 3, TRP 16, TRCD 10 SDCLK cycles. */
#define SDTR_FIELD(cycles, shift) (((cycles) - 1u) << (shift))
#define SDTR_VALUE                                                                                        \
  (SDTR_FIELD(2u, 0) | SDTR_FIELD(7u, 4) | SDTR_FIELD(4u, 8) | SDTR_FIELD(8u, 12) | SDTR_FIELD(3u, 16) | \
   SDTR_FIELD(16u, 20) | SDTR_FIELD(10u, 24))

/* FMC_SDCMR (RM0433 22.9.8): MODE 2:0, CTB1 bit 4 (bank 1), NRFS 8:5 (count - 1), MRD 22:9. */
#define SDCMR_BANK1 (1u << 4)
#define SDCMR_CLOCK_ENABLE 1u
#define SDCMR_PRECHARGE_ALL 2u
#define SDCMR_AUTO_REFRESH 3u
#define SDCMR_LOAD_MODE 4u

/* Mode register (chip datasheet): burst length 4 (A2:A0 = 010), sequential, CAS 3 (A6:A4 = 011),
 * standard operation, single-location write burst (A9 = 1). */
#define SDRAM_MODE_REGISTER (2u | (3u << 4) | (1u << 9))

/* Refresh (RM0433 22.9.9): 8192 rows every 64 ms -> 7.8125 us x 100 MHz = 781 SDCLK, minus the 20-cycle
 * safety margin the reference manual recommends = 761. COUNT sits in bits 13:1. */
#define SDRAM_REFRESH_COUNT 761u

void sdram_init(void) {
  gpio_set_alternate(k_fmc_pins, sizeof k_fmc_pins / sizeof k_fmc_pins[0]);
  RCC_AHB3ENR |= RCC_AHB3ENR_FMCEN;
  (void)RCC_AHB3ENR;

  FMC_SDCR1 = SDCR_VALUE;
  FMC_SDTR1 = SDTR_VALUE;
  FMC_BCR1 |= FMC_BCR1_FMCEN;

  FMC_SDCMR = SDCMR_BANK1 | SDCMR_CLOCK_ENABLE;
  delay_cycles(g_cpu_hz / 5000u); /* 200 us: twice the datasheet's 100 us of stable clock before the first command */
  FMC_SDCMR = SDCMR_BANK1 | SDCMR_PRECHARGE_ALL;
  FMC_SDCMR = SDCMR_BANK1 | SDCMR_AUTO_REFRESH | ((8u - 1u) << 5); /* 8 auto-refresh cycles */
  FMC_SDCMR = SDCMR_BANK1 | SDCMR_LOAD_MODE | (SDRAM_MODE_REGISTER << 9);
  FMC_SDRTR = SDRAM_REFRESH_COUNT << 1;
  dsb();
}
