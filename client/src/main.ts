import { mount } from 'svelte';
// Sets the page's theme before anything is drawn.
import './lib/theme.svelte';
import App from './App.svelte';
import './app.css';
import './forms.css';

const target = document.getElementById('app');
if (!target) throw new Error('index.html has no #app element');

export default mount(App, { target });
