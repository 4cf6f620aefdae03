/*
 * micro-load-use: load-to-use latencies (hw-facts 1.3).
 *   [0] empty measurement
 *   [1] 64 dependent LDR (pointer chase) in DTCM         published: data-to-address 3 cycles each (QUIN [S])
 *   [2] 64 dependent LDR in AXI SRAM, D-cache warm       same expectation, cache hits
 *   [3] 64 x (LDR; ADD using it) in DTCM                 word load feeds the late ALU next cycle: ~1 per pair (JNK)
 *   [4] 64 x (LDR; MUL using it) in DTCM                 +1 cycle load->MUL (JNK, LLVM-MUT)
 *   [5] 64 x (LDR; LDR) independent, adjacent words      dual-issue across banks: ~1 cycle per pair (JNK)
 *   [6] 16 x LDM of 8 registers, DTCM                     ceil(8/2) = 4 cycles each, no pairing (JNK)
 *   [7] 16 x LDM of 3 registers, DTCM                     ceil(3/2) = 2 cycles each (JNK)
 * Each function runs twice; the second (warm) run is recorded.
 */
#include "micro.h"

uint32_t micro_load_chain(uint32_t *self_pointer);
uint32_t micro_load_to_alu(uint32_t *p);
uint32_t micro_load_to_mul(uint32_t *p);
uint32_t micro_load_pairs(uint32_t *p);
uint32_t micro_ldm8(uint32_t *p);
uint32_t micro_ldm3(uint32_t *p);

__attribute__((section(".dtcmram_bss"), aligned(8))) uint32_t dtcm_words[8];
__attribute__((aligned(32))) uint32_t axi_words[2];

static uint32_t twice(uint32_t (*measure)(uint32_t *), uint32_t *p) {
  (void)measure(p);
  return measure(p);
}

int main(void) {
  micro_begin();
  dtcm_words[0] = (uint32_t)(uintptr_t)&dtcm_words[0];
  dtcm_words[1] = 1u;
  axi_words[0] = (uint32_t)(uintptr_t)&axi_words[0];
  axi_words[1] = 1u;
  micro_record(1u, twice(micro_load_chain, dtcm_words));
  micro_record(2u, twice(micro_load_chain, axi_words));
  micro_record(3u, twice(micro_load_to_alu, dtcm_words));
  micro_record(4u, twice(micro_load_to_mul, dtcm_words));
  micro_record(5u, twice(micro_load_pairs, dtcm_words));
  micro_record(6u, twice(micro_ldm8, dtcm_words));
  micro_record(7u, twice(micro_ldm3, dtcm_words));
  micro_finish(8u);
}
