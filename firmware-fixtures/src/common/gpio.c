#include "gpio.h"

#include "regs.h"

void gpio_set_alternate(const struct af_pin *pins, uint32_t count) {
  for (uint32_t i = 0; i < count; ++i) {
    RCC_AHB4ENR |= 1u << pins[i].port; /* GPIOxEN bits 0..8 (RM0433 8.7.43) */
  }
  (void)RCC_AHB4ENR;
  for (uint32_t i = 0; i < count; ++i) {
    const uint32_t port = pins[i].port;
    const uint32_t pin = pins[i].pin;
    const uint32_t two_bits = 3u << (2u * pin);
    GPIO_OSPEEDR(port) = (GPIO_OSPEEDR(port) & ~two_bits) | (3u << (2u * pin)); /* very high speed */
    GPIO_PUPDR(port) &= ~two_bits;                                            /* no pull */
    const uint32_t af_shift = 4u * (pin & 7u);
    GPIO_AFR(port, pin) = (GPIO_AFR(port, pin) & ~(0xFu << af_shift)) | ((uint32_t)pins[i].af << af_shift);
    GPIO_MODER(port) = (GPIO_MODER(port) & ~two_bits) | (2u << (2u * pin)); /* alternate function */
  }
}
