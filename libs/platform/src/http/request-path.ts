/** The path of a request target as sent, without its query string: `/v1/products` of `/v1/products?page_size=1`. */
export function pathOf(url: string): string {
  return url.split('?', 1)[0] ?? '';
}
