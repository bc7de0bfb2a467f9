import { BrowserRouter, Route, Routes } from 'react-router';
import { ApiKeysPage } from './api-keys/api-keys.page';
import { CartProvider } from './cart/cart-context';
import { CartPage } from './cart/cart.page';
import { GraphqlProvider } from './graphql/graphql-provider';
import { LoginPage } from './login/login.page';
import { MyOrdersPage } from './orders/my-orders.page';
import { OrderPage } from './orders/order.page';
import { ProductDetailPage } from './products/product-detail.page';
import { ProductListPage } from './products/product-list.page';
import { SessionProvider } from './session/session-context';
import { LastTraceProvider } from './tracing/last-trace-context';
import { AppLayout } from './ui/app-layout';
import { NotFoundPage } from './ui/not-found.page';

/** The routes of the app. The gateway answers every path that is not a file or /graphql with index.html. */
export function AppRoutes() {
  return (
    <Routes>
      <Route element={<AppLayout />}>
        <Route index element={<ProductListPage />} />
        <Route path="products/:productId" element={<ProductDetailPage />} />
        <Route path="login" element={<LoginPage />} />
        <Route path="cart" element={<CartPage />} />
        <Route path="orders" element={<MyOrdersPage />} />
        <Route path="orders/:orderId" element={<OrderPage />} />
        <Route path="api-keys" element={<ApiKeysPage />} />
        <Route path="*" element={<NotFoundPage />} />
      </Route>
    </Routes>
  );
}

export function App() {
  return (
    <SessionProvider>
      <LastTraceProvider>
        <GraphqlProvider>
          <CartProvider>
            <BrowserRouter>
              <AppRoutes />
            </BrowserRouter>
          </CartProvider>
        </GraphqlProvider>
      </LastTraceProvider>
    </SessionProvider>
  );
}
