#include "board.h"

void board_init(void) {
  clock_init();
  timebase_init();
  mpu_init();
  icache_enable();
  dcache_enable();
#if !defined(APP_BOOT_QSPI)
  /* A BOOT_QSPI image runs from QSPI: the Daisy bootloader mapped it before jumping, and re-initialising
   * it would pull the code out from under the CPU. */
  qspi_init_memory_mapped();
#endif
  sdram_init();
}
