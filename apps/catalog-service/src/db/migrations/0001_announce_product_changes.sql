-- Announces every change to a product on the channel `catalog_product_changed`, its id as the payload, from
-- whichever statement makes it: an edit, an import, a reservation or a release of stock, or an operator's own
-- SQL. NOTIFY is transactional: listeners hear of a change once it is committed, and never of one rolled back.
-- catalog-service empties its product cache of each product announced here.
CREATE FUNCTION announce_product_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('catalog_product_changed', OLD.id::text);
  RETURN NULL;
END;
$$;
--> statement-breakpoint
CREATE TRIGGER announce_product_change AFTER UPDATE OR DELETE ON products
  FOR EACH ROW EXECUTE FUNCTION announce_product_change();
