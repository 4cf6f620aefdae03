/*
 * QUADSPI + IS25LP064A (8 MB) in memory-mapped quad I/O mode, RM0433 chapter 23 and the chip datasheet.
 * Kernel clock = HCLK (200 MHz), PRESCALER 1 -> 100 MHz QSPI clock; FSIZE 22 -> 2^23 bytes.
 * Command sequence: reset-enable 0x66, reset 0x99, wait not busy (RDSR 0x05 bit 0 WIP), write enable 0x06,
 * write status register 0x01 with QE (bit 6), wait not busy, set read parameters 0xC0, then memory-mapped
 * mode with quad I/O fast read 0xEB.
 */
#include "board.h"
#include "gpio.h"
#include "regs.h"

/* Daisy Seed QSPI pins: IO0 PF8, IO1 PF9 (AF10), IO2 PF7, IO3 PF6, CLK PF10 (AF9), NCS PG6 (AF10). */
static const struct af_pin k_qspi_pins[] = {
    {PORT_F, 6, 9}, {PORT_F, 7, 9}, {PORT_F, 8, 10}, {PORT_F, 9, 10}, {PORT_F, 10, 9}, {PORT_G, 6, 10},
};

/* QUADSPI_CCR fields (RM0433 23.5.6). Line modes: 0 none, 1 single, 3 quad. */
#define CCR_INSTRUCTION(op) ((uint32_t)(op))
#define CCR_IMODE(m) ((uint32_t)(m) << 8)
#define CCR_ADMODE(m) ((uint32_t)(m) << 10)
#define CCR_ADSIZE_24BIT (2u << 12)
#define CCR_ABMODE(m) ((uint32_t)(m) << 14)
#define CCR_ABSIZE_8BIT (0u << 16)
#define CCR_DCYC(n) ((uint32_t)(n) << 18)
#define CCR_DMODE(m) ((uint32_t)(m) << 24)
#define CCR_FMODE_INDIRECT_WRITE (0u << 26)
#define CCR_FMODE_AUTO_POLL (2u << 26)
#define CCR_FMODE_MEMORY_MAPPED (3u << 26)
#define CCR_SIOO (1u << 28)

#define FLASH_CMD_WRITE_STATUS 0x01u
#define FLASH_CMD_READ_STATUS 0x05u
#define FLASH_CMD_WRITE_ENABLE 0x06u
#define FLASH_CMD_RESET_ENABLE 0x66u
#define FLASH_CMD_RESET 0x99u
#define FLASH_CMD_SET_READ_PARAMS 0xC0u
#define FLASH_CMD_QUAD_IO_READ 0xEBu
#define FLASH_STATUS_WIP 0x01u
#define FLASH_STATUS_WEL 0x02u
#define FLASH_STATUS_QE 0x40u
#define READ_PARAMS_8_CLOCKS 0xF0u

static void wait_not_busy(void) {
  while ((QSPI_SR & QSPI_SR_BUSY) != 0u) {
  }
}

static void command_without_data(uint8_t opcode) {
  wait_not_busy();
  QSPI_CCR = CCR_INSTRUCTION(opcode) | CCR_IMODE(1);
  while ((QSPI_SR & QSPI_SR_TCF) == 0u) {
  }
  QSPI_FCR = QSPI_FCR_CTCF;
}

static void command_write_byte(uint8_t opcode, uint8_t value) {
  wait_not_busy();
  QSPI_DLR = 0u; /* one byte */
  QSPI_CCR = CCR_INSTRUCTION(opcode) | CCR_IMODE(1) | CCR_DMODE(1) | CCR_FMODE_INDIRECT_WRITE;
  while ((QSPI_SR & QSPI_SR_FTF) == 0u) {
  }
  QSPI_DR8 = value;
  while ((QSPI_SR & QSPI_SR_TCF) == 0u) {
  }
  QSPI_FCR = QSPI_FCR_CTCF;
}

/* Automatic polling of the status register until (status & mask) == match (RM0433 23.3.9). */
static void poll_status(uint8_t mask, uint8_t match) {
  wait_not_busy();
  QSPI_PSMKR = mask;
  QSPI_PSMAR = match;
  QSPI_PIR = 0x10u;
  QSPI_DLR = 0u;
  QSPI_CR |= QSPI_CR_APMS; /* stop polling at the first match */
  QSPI_CCR = CCR_INSTRUCTION(FLASH_CMD_READ_STATUS) | CCR_IMODE(1) | CCR_DMODE(1) | CCR_FMODE_AUTO_POLL;
  while ((QSPI_SR & QSPI_SR_SMF) == 0u) {
  }
  QSPI_FCR = QSPI_FCR_CSMF;
}

void qspi_init_memory_mapped(void) {
  gpio_set_alternate(k_qspi_pins, sizeof k_qspi_pins / sizeof k_qspi_pins[0]);
  RCC_AHB3ENR |= RCC_AHB3ENR_QSPIEN;
  (void)RCC_AHB3ENR;

  wait_not_busy();
  QSPI_CR = 1u << 24;                 /* PRESCALER 1: QSPI clock = kernel / 2 */
  QSPI_DCR = (22u << 16) | (1u << 8); /* FSIZE 22 (8 MB), CSHT 1 (2 cycles high between commands) */
  QSPI_CR |= QSPI_CR_EN;

  command_without_data(FLASH_CMD_RESET_ENABLE);
  command_without_data(FLASH_CMD_RESET);
  poll_status(FLASH_STATUS_WIP, 0u);

  command_without_data(FLASH_CMD_WRITE_ENABLE);
  poll_status(FLASH_STATUS_WEL, FLASH_STATUS_WEL);
  command_write_byte(FLASH_CMD_WRITE_STATUS, FLASH_STATUS_QE);
  poll_status(FLASH_STATUS_WIP, 0u);

  /* Read parameters (datasheet "Read Parameters"): P7:P5 = 111 default output drive, P4:P3 = 10 -> 8
   * clocks between address and data for 0xEB (2 mode-bit clocks + 6 dummy, matching CCR below),
   * P2:P0 = 000 no burst wrap. */
  command_write_byte(FLASH_CMD_SET_READ_PARAMS, READ_PARAMS_8_CLOCKS);
  poll_status(FLASH_STATUS_WIP, 0u);

  wait_not_busy();
  QSPI_ABR = 0xA0u; /* mode bits: stay in continuous-read mode, so SIOO can drop the instruction */
  QSPI_CCR = CCR_INSTRUCTION(FLASH_CMD_QUAD_IO_READ) | CCR_IMODE(1) | CCR_ADMODE(3) | CCR_ADSIZE_24BIT |
             CCR_ABMODE(3) | CCR_ABSIZE_8BIT | CCR_DCYC(6) | CCR_DMODE(3) | CCR_FMODE_MEMORY_MAPPED | CCR_SIOO;
  dsb();
}
