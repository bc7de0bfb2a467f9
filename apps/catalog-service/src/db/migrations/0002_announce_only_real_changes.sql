-- An UPDATE that changes nothing (the same values written again) announces nothing: a NOTIFY is not free (a
-- committing transaction that notifies takes a lock every such commit queues on), and there is nothing to forget.
DROP TRIGGER announce_product_change ON products;
--> statement-breakpoint
CREATE TRIGGER announce_product_change AFTER UPDATE ON products
  FOR EACH ROW WHEN (OLD.* IS DISTINCT FROM NEW.*) EXECUTE FUNCTION announce_product_change();
--> statement-breakpoint
CREATE TRIGGER announce_product_removal AFTER DELETE ON products
  FOR EACH ROW EXECUTE FUNCTION announce_product_change();
