/* Alternate-function pin setup (RM0433 11.4: MODER, OSPEEDR, PUPDR, AFRL/AFRH). */
#ifndef SEEDSIM_GPIO_H
#define SEEDSIM_GPIO_H

#include <stdint.h>

enum gpio_port { PORT_A, PORT_B, PORT_C, PORT_D, PORT_E, PORT_F, PORT_G, PORT_H, PORT_I };

struct af_pin {
  uint8_t port; /* enum gpio_port */
  uint8_t pin;
  uint8_t af;
};

/* Enables the port clocks and switches every pin in the list to its alternate function, very high speed. */
void gpio_set_alternate(const struct af_pin *pins, uint32_t count);

#endif
