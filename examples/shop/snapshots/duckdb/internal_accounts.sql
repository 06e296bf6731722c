SELECT u."user_id" AS user_id
FROM "shop"."users" AS u
WHERE COALESCE(ends_with(lower(u."email"), lower('@example.com')), FALSE) OR COALESCE(u."plan" = 'staff', FALSE)
