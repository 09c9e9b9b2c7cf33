CREATE TABLE `whatsapp_numbers` (
	`number_digest` text PRIMARY KEY NOT NULL,
	`user_id` text NOT NULL,
	`linked_at` integer NOT NULL,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `whatsapp_numbers_user_id` ON `whatsapp_numbers` (`user_id`);--> statement-breakpoint
CREATE TABLE `whatsapp_onboarded_numbers` (
	`number_digest` text PRIMARY KEY NOT NULL,
	`answered_at` integer NOT NULL
);
