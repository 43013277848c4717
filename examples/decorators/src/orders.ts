/** The domain both controllers serve: an in-memory order book. */
export interface Order {
  id: number
  item: string
  by?: string
}

const orders: Order[] = [{ id: 1, item: 'coffee beans' }]

export function listOrders(): Order[] {
  return orders
}

export function addOrder(item: unknown, by: string | undefined): Order {
  const order = { id: orders.length + 1, item: typeof item === 'string' ? item : 'unnamed', by }
  orders.push(order)
  return order
}

export function removeOrder(id: number): boolean {
  const index = orders.findIndex((o) => o.id === id)
  if (index === -1) return false
  orders.splice(index, 1)
  return true
}
