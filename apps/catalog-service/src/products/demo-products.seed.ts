import type { Logger } from 'pino';
import type { ProductsRepository } from './products.repository.js';
import type { ProductsService } from './products.service.js';

const usd = (amountMinor: number) => ({ amountMinor, currencyCode: 'USD' });

/**
 * Demo products created on an empty database. Some are nearly sold out (3 or fewer) and one is sold out, so
 * the web page and the order flow show every stock state. Never used when SEED_DEMO_DATA=false.
 */
export const DEMO_PRODUCTS = [
  {
    sku: 'MUG-CERAMIC-WHT',
    name: 'Ceramic Mug, White',
    description: '350 ml stoneware mug, dishwasher safe.',
    price: usd(1200),
    stockOnHand: 120,
  },
  {
    sku: 'MUG-ENAMEL-BLU',
    name: 'Enamel Camp Mug, Blue',
    description: 'Light steel mug with an enamel finish.',
    price: usd(1450),
    stockOnHand: 3,
  },
  { sku: 'TEE-LOGO-M', name: 'Logo T-Shirt, M', description: 'Organic cotton tee with the Triad logo.', price: usd(2400), stockOnHand: 60 },
  { sku: 'TEE-LOGO-L', name: 'Logo T-Shirt, L', description: 'Organic cotton tee with the Triad logo.', price: usd(2400), stockOnHand: 45 },
  {
    sku: 'HOODIE-GRY-L',
    name: 'Zip Hoodie, Grey, L',
    description: 'Heavyweight fleece hoodie with a full zip.',
    price: usd(5900),
    stockOnHand: 2,
  },
  {
    sku: 'CAP-NAVY',
    name: 'Baseball Cap, Navy',
    description: 'Six-panel cotton cap with an adjustable strap.',
    price: usd(1900),
    stockOnHand: 35,
  },
  {
    sku: 'BAG-TOTE-NAT',
    name: 'Canvas Tote Bag',
    description: 'Natural canvas tote with long handles.',
    price: usd(1600),
    stockOnHand: 80,
  },
  {
    sku: 'BOTTLE-STEEL-750',
    name: 'Steel Water Bottle, 750 ml',
    description: 'Double-walled, keeps drinks cold for 24 hours.',
    price: usd(2900),
    stockOnHand: 50,
  },
  {
    sku: 'NOTEBOOK-A5-DOT',
    name: 'Dotted Notebook, A5',
    description: '192 pages of 100 g/m² dotted paper.',
    price: usd(1800),
    stockOnHand: 70,
  },
  { sku: 'PEN-GEL-BLK-3', name: 'Gel Pens, Black, Pack of 3', description: 'Smooth 0.5 mm gel ink.', price: usd(650), stockOnHand: 200 },
  { sku: 'STICKER-PACK', name: 'Sticker Pack', description: 'Ten vinyl stickers of protocol mascots.', price: usd(500), stockOnHand: 300 },
  {
    sku: 'POSTER-ARCH-A2',
    name: 'Architecture Poster, A2',
    description: 'The Triad system diagram, printed on matte paper.',
    price: usd(2200),
    stockOnHand: 0,
  },
  {
    sku: 'KEYBOARD-MECH-TKL',
    name: 'Mechanical Keyboard, Tenkeyless',
    description: 'Hot-swappable switches, PBT keycaps.',
    price: usd(12900),
    stockOnHand: 12,
  },
  {
    sku: 'MOUSE-WL-ERGO',
    name: 'Wireless Ergonomic Mouse',
    description: 'Vertical grip, silent clicks, USB-C charging.',
    price: usd(6900),
    stockOnHand: 18,
  },
  { sku: 'DESKMAT-XL-BLK', name: 'Desk Mat XL, Black', description: '900 × 400 mm felt desk mat.', price: usd(3400), stockOnHand: 25 },
  {
    sku: 'LAMP-DESK-LED',
    name: 'LED Desk Lamp',
    description: 'Dimmable, adjustable colour temperature.',
    price: usd(4900),
    stockOnHand: 3,
  },
  {
    sku: 'STAND-LAPTOP-ALU',
    name: 'Aluminium Laptop Stand',
    description: 'Raises the screen to eye level; folds flat.',
    price: usd(3900),
    stockOnHand: 30,
  },
  {
    sku: 'HUB-USBC-7',
    name: 'USB-C Hub, 7 Ports',
    description: 'HDMI, Ethernet, SD and four USB ports.',
    price: usd(4500),
    stockOnHand: 40,
  },
  {
    sku: 'CABLE-USBC-2M',
    name: 'USB-C Cable, 2 m',
    description: 'Braided, 100 W charging, 10 Gbit/s.',
    price: usd(1500),
    stockOnHand: 150,
  },
  {
    sku: 'HEADPHONES-ANC',
    name: 'Noise-Cancelling Headphones',
    description: 'Over-ear, 30 hours of battery.',
    price: usd(19900),
    stockOnHand: 8,
  },
  {
    sku: 'SPEAKER-BT-MINI',
    name: 'Mini Bluetooth Speaker',
    description: 'Pocket-sized and splash-proof.',
    price: usd(3500),
    stockOnHand: 1,
  },
  { sku: 'PLANT-POT-CER', name: 'Ceramic Plant Pot', description: '14 cm pot with a drainage saucer.', price: usd(2100), stockOnHand: 22 },
  { sku: 'COFFEE-BEANS-1KG', name: 'Coffee Beans, 1 kg', description: 'Medium roast, whole beans.', price: usd(2800), stockOnHand: 40 },
  {
    sku: 'TEA-SENCHA-100G',
    name: 'Sencha Green Tea, 100 g',
    description: 'Loose-leaf Japanese green tea.',
    price: usd(1300),
    stockOnHand: 55,
  },
] as const;

/** Seeds the demo products through the same use case an admin would call, so they obey every rule. */
export async function seedDemoProducts(repository: ProductsRepository, products: ProductsService, logger: Logger): Promise<void> {
  if (!(await repository.isEmpty())) return;
  const seeder = { userId: 'seed', role: 'admin' } as const;
  for (const product of DEMO_PRODUCTS) await products.createProduct(product, seeder);
  logger.info({ products: DEMO_PRODUCTS.length }, 'seeded demo products');
}
