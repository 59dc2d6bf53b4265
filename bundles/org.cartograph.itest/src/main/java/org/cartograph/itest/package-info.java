/** In-framework integration tests; not exported. */
package org.cartograph.itest;
