import { MAX_QUANTITY } from '../cart/cart-store';

interface QuantityStepperProps {
  /** What is being counted, for the buttons' accessible names: "Decrease quantity of Pen". */
  of: string;
  quantity: number;
  max?: number;
  onChange(quantity: number): void;
}

/** A quantity from 1 to `max`, changed one at a time: nothing to parse, and every state is valid. */
export function QuantityStepper({ of, quantity, max = MAX_QUANTITY, onChange }: QuantityStepperProps) {
  return (
    <span className="stepper" role="group" aria-label={`Quantity of ${of}`}>
      <button type="button" aria-label={`Decrease quantity of ${of}`} disabled={quantity <= 1} onClick={() => onChange(quantity - 1)}>
        −
      </button>
      <output aria-live="polite">{quantity}</output>
      <button type="button" aria-label={`Increase quantity of ${of}`} disabled={quantity >= max} onClick={() => onChange(quantity + 1)}>
        +
      </button>
    </span>
  );
}
