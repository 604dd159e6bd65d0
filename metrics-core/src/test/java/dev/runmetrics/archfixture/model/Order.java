package dev.runmetrics.archfixture.model;

import dev.runmetrics.archfixture.flow.Checkout;

/**
 * A planted violation for {@code DependencyRulesCanFailTest}: a model type that reaches up into
 * {@code flow}, which in turn uses the model, so the two packages form a cycle.
 */
public final class Order {

    private final Checkout checkout = new Checkout();

    /** Returns the step the checkout is at. */
    public String step() {
        return checkout.step(this);
    }
}
